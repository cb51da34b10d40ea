#include "engine/models/transformer.h"

#include "engine/model/model_file.h"

namespace podium {

std::unique_ptr<Transformer> make_transformer(const ModelFile& file) {
    switch (file.config.arch) {
        case Architecture::Llama: return make_llama(file);
        case Architecture::Falcon: return make_falcon(file);
    }
    return nullptr;
}

}  // namespace podium
