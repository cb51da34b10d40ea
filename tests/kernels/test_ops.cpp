#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "kernels/cpu/ops.h"

using namespace podium;

namespace {

std::vector<float> random_values(std::size_t n, std::uint32_t seed, float scale) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = scale * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
    }
    return v;
}

}  // namespace

TEST_CASE("token_logprob matches a double-precision log-softmax over a 65k vocabulary", "[kernels]") {
    for (float scale : {1.0f, 8.0f, 30.0f}) {
        const auto logits = random_values(65024 + 5, 17, scale);  // + 5: a tail past the 8-lane loop
        std::size_t best = 0;
        for (std::size_t i = 1; i < logits.size(); ++i)
            if (logits[i] > logits[best]) best = i;
        double z = 0;
        for (float l : logits) z += std::exp(static_cast<double>(l) - logits[best]);
        for (int token : {0, 1234, 65028, static_cast<int>(best)}) {
            const auto got = token_logprob(logits.data(), logits.size(), token);
            const double want = double(logits[token]) - double(logits[best]) - std::log(z);
            INFO("scale " << scale << " token " << token);
            CHECK(std::abs(got.logprob - want) < 1e-6);
            CHECK(got.is_argmax == (token == static_cast<int>(best)));
            CHECK(got.argmax == static_cast<int>(best));
        }
    }
}

TEST_CASE("attention gives the same result however the keys are split into ranges", "[kernels]") {
    const std::size_t head_dim = 64, stride = 128, n_keys = 37;
    const auto q = random_values(head_dim, 1, 1.0f);
    const auto keys = random_values(n_keys * stride, 2, 1.0f);
    const auto values = random_values(n_keys * stride, 3, 1.0f);
    std::vector<float> scores(n_keys), whole(head_dim), split(head_dim);
    const KvRange one[] = {{keys.data(), values.data(), n_keys}};
    attend(q.data(), one, stride, head_dim, scores.data(), whole.data());
    const KvRange three[] = {{keys.data(), values.data(), 5},
                             {keys.data() + 5 * stride, values.data() + 5 * stride, 30},
                             {keys.data() + 35 * stride, values.data() + 35 * stride, 2}};
    attend(q.data(), three, stride, head_dim, scores.data(), split.data());
    CHECK(whole == split);

    // And it is softmax(q.k / 8) . v.
    std::vector<double> s(n_keys);
    double mx = -1e300, z = 0;
    for (std::size_t k = 0; k < n_keys; ++k) {
        double d = 0;
        for (std::size_t i = 0; i < head_dim; ++i) d += double(q[i]) * keys[k * stride + i];
        s[k] = d / 8.0;
        mx = std::max(mx, s[k]);
    }
    for (auto& e : s) z += (e = std::exp(e - mx));
    for (std::size_t i = 0; i < head_dim; ++i) {
        double o = 0;
        for (std::size_t k = 0; k < n_keys; ++k) o += s[k] / z * values[k * stride + i];
        CHECK(std::abs(whole[i] - o) < 1e-5);
    }
}
