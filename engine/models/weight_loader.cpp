#include "engine/models/weight_loader.h"

#include "engine/core/error.h"
#include "kernels/cpu/dequantize.h"

namespace podium {

namespace {

std::string shape_string(const std::vector<std::uint64_t>& shape) {
    std::string s = "{";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "}";
}

}  // namespace

const TensorView& WeightLoader::require(const std::string& name) const {
    const TensorView* t = file_.find(name);
    if (!t) throw FileError(file_.path, "missing tensor \"" + name + "\"");
    used_.insert(name);
    return *t;
}

void WeightLoader::check_all_used(std::string_view model_name) const {
    for (const TensorView& t : file_.tensors)
        if (!used_.contains(t.name))
            throw FileError(file_.path, "tensor \"" + t.name + "\" is not part of podium's " + std::string(model_name) +
                                            " model (an unsupported variant of the architecture)");
}

WeightMatrix WeightLoader::matrix(const std::string& name, std::size_t n_in, std::size_t n_out) const {
    const TensorView& t = require(name);
    if (t.shape.size() != 2 || t.shape[0] != n_in || t.shape[1] != n_out)
        throw FileError(file_.path, "tensor \"" + name + "\" has shape " + shape_string(t.shape) + ", expected {" +
                                        std::to_string(n_in) + ", " + std::to_string(n_out) + "}");
    return WeightMatrix{t.type, t.data, n_in, n_out};
}

std::vector<float> WeightLoader::vector(const std::string& name, std::size_t n) const {
    const TensorView& t = require(name);
    if (t.shape.size() != 1 || t.shape[0] != n)
        throw FileError(file_.path, "tensor \"" + name + "\" has shape " + shape_string(t.shape) + ", expected {" +
                                        std::to_string(n) + "}");
    std::vector<float> out(n);
    dequantize_row_reference(t.type, t.data, out.data(), n);
    return out;
}

void embed_tokens(const WeightMatrix& embeddings, const std::int32_t* tokens, std::size_t n, float* out) {
    for (std::size_t t = 0; t < n; ++t)
        dequantize_row_reference(embeddings.type, embeddings.row(static_cast<std::size_t>(tokens[t])),
                                 out + t * embeddings.n_in, embeddings.n_in);
}

}  // namespace podium
