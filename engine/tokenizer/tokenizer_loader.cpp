#include "engine/tokenizer/tokenizer_loader.h"

#include "engine/core/error.h"
#include "engine/gguf/gguf_file.h"

namespace podium {

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& model) {
    namespace fs = std::filesystem;
    if (fs::is_directory(model)) {
        const fs::path json = model / "tokenizer.json";
        if (!fs::exists(json)) throw FileError(model, "no tokenizer.json in this model folder");
        return make_tokenizer(vocabulary_from_hf_json(json));
    }
    if (model.extension() == ".json") return make_tokenizer(vocabulary_from_hf_json(model));
    return make_tokenizer(vocabulary_from_gguf(GgufFile::open(model)));
}

}  // namespace podium
