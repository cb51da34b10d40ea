// vocabulary_from_hf_json: a Hugging Face tokenizer.json (BPE model), plus the
// tokenizer_config.json beside it for the BOS/EOS settings.
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "engine/core/error.h"
#include "engine/tokenizer/tokenizer.h"

namespace podium {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // U+2581
constexpr std::int64_t kMaxTokens = 10'000'000;

json read_json(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, "cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
        return json::parse(ss.str());
    } catch (const json::exception& e) {
        throw FileError(path, std::string("not valid JSON: ") + e.what());
    }
}

// Every node of a normalizer/pre_tokenizer tree, Sequences flattened.
void collect_components(const json& node, std::vector<const json*>& out) {
    if (!node.is_object()) return;
    out.push_back(&node);
    for (const char* key : {"normalizers", "pretokenizers", "decoders", "processors"}) {
        if (const auto it = node.find(key); it != node.end() && it->is_array())
            for (const json& child : *it) collect_components(child, out);
    }
}

std::string component_type(const json& node) {
    const auto it = node.find("type");
    return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A special-token setting of tokenizer_config.json: "text" or {"content": "text", ...}.
std::optional<std::string> token_text(const json& config, const char* key) {
    const auto it = config.find(key);
    if (it == config.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) {
        const auto c = it->find("content");
        if (c != it->end() && c->is_string()) return c->get<std::string>();
    }
    return std::nullopt;
}

class HfJsonReader {
public:
    explicit HfJsonReader(fs::path path) : path_(std::move(path)), root_(read_json(path_)) {}

    Vocabulary read() {
        if (!root_.is_object()) fail("expected a JSON object at the top level");
        const json& model = member(root_, "model", "model");
        if (!model.is_object()) fail("\"model\" is not an object");
        if (const auto t = model.find("type"); t != model.end() && (!t->is_string() || *t != "BPE"))
            fail("\"model.type\" is " + t->dump() + ", expected \"BPE\"");

        read_tokens(model);
        detect_kind(model);
        read_merges(model);
        read_special_settings();
        return std::move(vocab_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw FileError(path_, what); }

    const json& member(const json& object, const char* key, const std::string& where) const {
        const auto it = object.find(key);
        if (it == object.end()) fail("missing key \"" + where + "\"");
        return *it;
    }

    void set_token(std::int64_t id, const std::string& text, const std::string& where) {
        if (id < 0 || id >= kMaxTokens) fail("\"" + where + "\" has id " + std::to_string(id) + ", expected 0.." +
                                             std::to_string(kMaxTokens - 1));
        const auto i = static_cast<std::size_t>(id);
        if (i >= vocab_.tokens.size()) {
            vocab_.tokens.resize(i + 1);
            vocab_.types.resize(i + 1, TokenType::Unused);
        }
        vocab_.tokens[i] = text;
        vocab_.types[i] = TokenType::Normal;
        ids_[text] = static_cast<std::int32_t>(id);
    }

    void read_tokens(const json& model) {
        const json& v = member(model, "vocab", "model.vocab");
        if (!v.is_object()) fail("\"model.vocab\" is not an object of token -> id");
        for (const auto& [text, id] : v.items()) {
            if (!id.is_number_integer()) fail("\"model.vocab\" entry \"" + text + "\" is not an integer id");
            set_token(id.get<std::int64_t>(), text, "model.vocab." + text);
        }
        if (const auto added = root_.find("added_tokens"); added != root_.end() && !added->is_null()) {
            if (!added->is_array()) fail("\"added_tokens\" is not an array");
            for (std::size_t k = 0; k < added->size(); ++k) {
                const json& a = (*added)[k];
                const std::string where = "added_tokens[" + std::to_string(k) + "]";
                if (!a.is_object()) fail("\"" + where + "\" is not an object");
                const json& id = member(a, "id", where + ".id");
                const json& content = member(a, "content", where + ".content");
                if (!id.is_number_integer()) fail("\"" + where + ".id\" is not an integer");
                if (!content.is_string()) fail("\"" + where + ".content\" is not a string");
                set_token(id.get<std::int64_t>(), content.get<std::string>(), where);
                const bool special = a.value("special", false);
                vocab_.types[static_cast<std::size_t>(id.get<std::int64_t>())] =
                    special ? TokenType::Control : TokenType::UserDefined;
            }
        }
        if (vocab_.tokens.empty()) fail("\"model.vocab\" is empty");
        for (std::size_t i = 0; i < vocab_.tokens.size(); ++i)
            if (vocab_.types[i] == TokenType::Unused && vocab_.tokens[i].empty())
                fail("no token has id " + std::to_string(i) + " (ids must run from 0 without gaps)");
        if (const auto unk = model.find("unk_token"); unk != model.end() && unk->is_string()) {
            vocab_.unk_id = find_id(unk->get<std::string>());
            if (vocab_.unk_id >= 0) vocab_.types[static_cast<std::size_t>(vocab_.unk_id)] = TokenType::Unknown;
        }
    }

    std::int32_t find_id(const std::string& text) const {
        const auto it = ids_.find(text);
        return it == ids_.end() ? -1 : it->second;
    }

    void detect_kind(const json& model) {
        std::vector<const json*> normalizers, pre_tokenizers, decoders;
        if (const auto it = root_.find("normalizer"); it != root_.end()) collect_components(*it, normalizers);
        if (const auto it = root_.find("pre_tokenizer"); it != root_.end()) collect_components(*it, pre_tokenizers);
        if (const auto it = root_.find("decoder"); it != root_.end()) collect_components(*it, decoders);

        bool byte_level = false, metaspace = false, punctuation = false, digits = false, prepend = false;
        bool replaces_space = false;
        std::vector<std::string> unsupported;
        for (const json* p : pre_tokenizers) {
            const std::string type = component_type(*p);
            if (type == "ByteLevel") {
                byte_level = true;
                if (p->contains("use_regex") && !p->value("use_regex", true)) unsupported.push_back("ByteLevel without regex");
            } else if (type == "Metaspace") {
                metaspace = true;
                const std::string scheme = p->value("prepend_scheme", std::string());
                prepend = scheme.empty() ? p->value("add_prefix_space", true) : scheme != "never";
            } else if (type == "Punctuation") {
                punctuation = true;
            } else if (type == "Digits") {
                digits = true;
            } else if (type == "Split") {
                // Falcon's Split isolates [0-9][0-9][0-9]; other patterns are not implemented.
                const auto pattern = p->find("pattern");
                const bool triples = pattern != p->end() && pattern->is_object() &&
                                     pattern->value("Regex", std::string()) == "[0-9][0-9][0-9]";
                if (!triples) unsupported.push_back("Split " + (pattern != p->end() ? pattern->dump() : "?"));
            } else if (type != "Sequence") {
                unsupported.push_back(type.empty() ? p->dump() : type);
            }
        }
        for (const json* n : normalizers) {
            const std::string type = component_type(*n);
            if (type == "Prepend" && n->value("prepend", std::string()) == kSpaceMark) prepend = true;
            if (type == "Replace" && n->value("content", std::string()) == kSpaceMark) replaces_space = true;
        }
        for (const json* d : decoders)
            if (component_type(*d) == "ByteLevel") byte_level = true;

        const bool byte_fallback = model.value("byte_fallback", false);
        if (byte_fallback || metaspace || replaces_space) {
            vocab_.kind = TokenizerKind::SentencePiece;
            vocab_.add_space_prefix = prepend;
            if (byte_fallback) {
                for (std::size_t i = 0; i < vocab_.tokens.size(); ++i) {
                    const std::string& t = vocab_.tokens[i];
                    if (vocab_.types[i] == TokenType::Normal && t.size() == 6 && t.starts_with("<0x") && t.back() == '>')
                        vocab_.types[i] = TokenType::Byte;
                }
            }
        } else if (byte_level) {
            vocab_.kind = TokenizerKind::ByteLevelBpe;
            vocab_.add_space_prefix = false;
            if (!unsupported.empty()) fail("pre_tokenizer has unsupported parts: " + join(unsupported));
            vocab_.pre = punctuation && digits ? PreTokenizer::Falcon : PreTokenizer::Gpt2;
            if (punctuation != digits) fail("pre_tokenizer mixes Punctuation/Digits in a way no supported model uses");
        } else {
            fail("cannot tell the tokenizer kind: expected a ByteLevel pre_tokenizer (GPT-2, Falcon) or a "
                 "byte_fallback/Metaspace model (Llama)");
        }
    }

    static std::string join(const std::vector<std::string>& parts) {
        std::string s;
        for (const std::string& p : parts) s += (s.empty() ? "" : ", ") + p;
        return s;
    }

    void read_merges(const json& model) {
        const json& merges = member(model, "merges", "model.merges");
        if (!merges.is_array()) fail("\"model.merges\" is not an array");
        const bool spm = vocab_.kind == TokenizerKind::SentencePiece;
        if (spm) vocab_.scores.assign(vocab_.tokens.size(), -std::numeric_limits<float>::infinity());
        std::string left, right;
        for (std::size_t rank = 0; rank < merges.size(); ++rank) {
            const json& m = merges[rank];
            const std::string where = "\"model.merges[" + std::to_string(rank) + "]\"";
            if (m.is_string()) {
                const std::string s = m.get<std::string>();
                const std::size_t space = s.find(' ');
                if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                    fail(where + " is \"" + s + "\", expected two tokens separated by one space");
                left = s.substr(0, space);
                right = s.substr(space + 1);
            } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
                left = m[0].get<std::string>();
                right = m[1].get<std::string>();
                if (left.find(' ') != std::string::npos || right.find(' ') != std::string::npos)
                    fail(where + " has a token with a space, which this tokenizer cannot represent");
            } else {
                fail(where + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
            if (left.empty() || right.empty()) fail(where + " has an empty token");
            if (spm) {
                // SentencePiece merges by score; the earliest merge making a token gives its
                // priority. Tokens no merge makes keep -inf and are never merged into.
                const std::int32_t id = find_id(left + right);
                if (id >= 0 && std::isinf(vocab_.scores[static_cast<std::size_t>(id)]))
                    vocab_.scores[static_cast<std::size_t>(id)] = -static_cast<float>(rank);
            } else {
                vocab_.merges.push_back(left + " " + right);
            }
        }
    }

    void read_special_settings() {
        const bool spm = vocab_.kind == TokenizerKind::SentencePiece;
        std::optional<bool> add_bos, add_eos;
        std::optional<std::string> bos_text, eos_text, pad_text;

        // The post-processor template says which special tokens encode() adds.
        if (const auto pp = root_.find("post_processor"); pp != root_.end()) {
            std::vector<const json*> parts;
            collect_components(*pp, parts);
            for (const json* p : parts) {
                if (component_type(*p) != "TemplateProcessing") continue;
                const auto single = p->find("single");
                if (single == p->end() || !single->is_array() || single->empty()) continue;
                const auto special_of = [](const json& item) -> std::optional<std::string> {
                    const auto st = item.find("SpecialToken");
                    if (st == item.end() || !st->is_object()) return std::nullopt;
                    const auto id = st->find("id");
                    if (id == st->end() || !id->is_string()) return std::nullopt;
                    return id->get<std::string>();
                };
                bos_text = special_of(single->front());
                add_bos = bos_text.has_value();
                eos_text = single->size() > 1 ? special_of(single->back()) : std::nullopt;
                add_eos = eos_text.has_value();
            }
        }

        const fs::path config_path = path_.parent_path() / "tokenizer_config.json";
        if (fs::exists(config_path)) {
            const json config = read_json(config_path);
            if (!config.is_object()) throw FileError(config_path, "expected a JSON object at the top level");
            for (auto [key, target] : {std::pair{"add_bos_token", &add_bos}, {"add_eos_token", &add_eos}}) {
                if (const auto it = config.find(key); it != config.end() && !it->is_null()) {
                    if (!it->is_boolean()) throw FileError(config_path, std::string("\"") + key + "\" is not a boolean");
                    *target = it->get<bool>();
                }
            }
            if (auto t = token_text(config, "bos_token")) bos_text = t;
            if (auto t = token_text(config, "eos_token")) eos_text = t;
            if (auto t = token_text(config, "pad_token")) pad_text = t;
        }

        const auto id_of = [&](const std::optional<std::string>& text, const char* fallback) {
            if (text) return find_id(*text);
            return find_id(fallback);
        };
        vocab_.bos_id = id_of(bos_text, spm ? "<s>" : "<|endoftext|>");
        vocab_.eos_id = id_of(eos_text, spm ? "</s>" : "<|endoftext|>");
        vocab_.pad_id = pad_text ? find_id(*pad_text) : -1;
        // llama.cpp's defaults when nothing says: SentencePiece adds BOS, byte-level BPE does not.
        vocab_.add_bos = add_bos.value_or(spm);
        vocab_.add_eos = add_eos.value_or(false);
    }

    fs::path path_;
    json root_;
    Vocabulary vocab_;
    std::unordered_map<std::string, std::int32_t> ids_;
};

}  // namespace

Vocabulary vocabulary_from_hf_json(const std::filesystem::path& tokenizer_json) {
    return HfJsonReader(tokenizer_json).read();
}

}  // namespace podium
