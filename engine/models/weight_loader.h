#pragma once
// Looks up a model's tensors by name with the shapes and types the model code
// expects; any mismatch is a FileError naming the file and the tensor.
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/model_file.h"
#include "kernels/cpu/matmul.h"

namespace podium {

class WeightLoader {
public:
    explicit WeightLoader(const ModelFile& file) : file_(file) {}

    bool has(const std::string& name) const { return file_.find(name) != nullptr; }
    // A 2-D weight with ggml shape {n_in, n_out}.
    WeightMatrix matrix(const std::string& name, std::size_t n_in, std::size_t n_out) const;
    // A 1-D tensor of n values (norm weights, biases), converted to f32.
    std::vector<float> vector(const std::string& name, std::size_t n) const;

    // Throws FileError naming the first tensor of the file nothing asked for (a bias, say):
    // a variant this model code does not implement must not run with parts ignored.
    void check_all_used(std::string_view model_name) const;

private:
    const TensorView& require(const std::string& name) const;
    const ModelFile& file_;
    mutable std::set<std::string, std::less<>> used_;
};

// out[t * n_embd ...] = embedding row of tokens[t].
void embed_tokens(const WeightMatrix& embeddings, const std::int32_t* tokens, std::size_t n, float* out);

}  // namespace podium
