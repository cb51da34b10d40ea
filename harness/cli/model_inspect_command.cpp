// `podium model inspect FILE|DIR [--json]`: what a model file holds, without running it.
#include <charconv>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/model/model_file.h"
#include "harness/cli/commands.h"
#include "kernels/tensor_type.h"

namespace podium::cli {

namespace {

using nlohmann::json;

std::string_view format_name(ModelFormat f) { return f == ModelFormat::Gguf ? "gguf" : "safetensors"; }

std::string_view pairing_name(RopePairing p) { return p == RopePairing::Adjacent ? "adjacent" : "half-split"; }

std::string_view qkv_layout_name(QkvLayout l) {
    switch (l) {
        case QkvLayout::Separate: return "separate";
        case QkvLayout::Contiguous: return "contiguous";
        case QkvLayout::InterleavedByGroup: return "interleaved-by-group";
    }
    return "unknown";
}

std::string_view tokenizer_kind_name(TokenizerKind k) {
    return k == TokenizerKind::SentencePiece ? "sentencepiece-bpe" : "byte-level-bpe";
}

// The shortest text that reads back as the same float ("1e-05", not 9.99999974e-06).
std::string float_text(float v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// "6.74 B", "292.35 K": parameter counts as model cards write them.
std::string count_text(std::uint64_t n) {
    const struct {
        double scale;
        const char* unit;
    } units[] = {{1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (const auto& u : units)
        if (static_cast<double>(n) >= u.scale) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.2f %s", static_cast<double>(n) / u.scale, u.unit);
            return buf;
        }
    return std::to_string(n);
}

std::string bytes_text(std::uint64_t n) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
    else
        std::snprintf(buf, sizeof buf, "%.2f %s", v, units[u]);
    return buf;
}

struct TypeTotals {
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
};

// Tensor counts and bytes per element type, by type name.
std::map<std::string, TypeTotals> type_totals(const ModelFile& m) {
    std::map<std::string, TypeTotals> totals;
    for (const auto& t : m.tensors) {
        auto& tt = totals[std::string(tensor_type_name(t.type))];
        ++tt.count;
        tt.bytes += t.n_bytes;
    }
    return totals;
}

std::uint64_t total_bytes(const ModelFile& m) {
    std::uint64_t total = 0;
    for (const auto& t : m.tensors) total += t.n_bytes;
    return total;
}

json describe(const ModelFile& m) {
    const ModelConfig& c = m.config;
    json j;
    j["path"] = m.path.string();
    j["format"] = format_name(m.format);
    j["architecture"] = architecture_name(c.arch);
    j["name"] = c.name;
    j["hyperparameters"] = {
        {"n_vocab", c.n_vocab},     {"n_ctx", c.n_ctx},
        {"n_embd", c.n_embd},       {"n_layer", c.n_layer},
        {"n_head", c.n_head},       {"n_head_kv", c.n_head_kv},
        {"head_dim", c.head_dim()}, {"n_ff", c.n_ff},
        {"n_rot", c.n_rot},         {"norm_eps", std::stod(float_text(c.norm_eps))},
        {"rope_freq_base", std::stod(float_text(c.rope_freq_base))},
    };
    j["rope_pairing"] = pairing_name(c.rope_pairing);
    j["qkv_layout"] = qkv_layout_name(c.qkv_layout);
    j["falcon_two_norms"] = c.falcon_two_norms;
    j["tied_output"] = c.tied_output;
    const std::uint64_t params = m.parameter_count();
    j["parameters"] = params;
    j["parameters_text"] = count_text(params);

    json types = json::object();
    for (const auto& [name, tt] : type_totals(m)) types[name] = {{"count", tt.count}, {"bytes", tt.bytes}};
    j["tensor_count"] = m.tensors.size();
    j["tensor_types"] = types;
    j["total_bytes"] = total_bytes(m);
    if (m.vocabulary)
        j["tokenizer"] = {{"kind", tokenizer_kind_name(m.vocabulary->kind)},
                          {"vocab_size", m.vocabulary->tokens.size()}};
    else if (!m.vocabulary_error.empty())
        j["tokenizer"] = {{"error", m.vocabulary_error}};
    else
        j["tokenizer"] = nullptr;
    return j;
}

void print_table(const ModelFile& m, std::ostream& out) {
    const ModelConfig& c = m.config;
    auto row = [&](const std::string& key, const std::string& value) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%-14s", key.c_str());
        out << buf << value << "\n";
    };
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    const std::uint64_t params = m.parameter_count();
    row("model", m.path.string());
    row("format", std::string(format_name(m.format)));
    row("architecture", std::string(architecture_name(c.arch)));
    row("name", c.name);
    row("parameters", count_text(params) + " (" + n(params) + ")");
    row("vocabulary", n(c.n_vocab));
    row("context", n(c.n_ctx));
    row("width", n(c.n_embd) + " (" + n(c.n_head) + " heads of " + n(c.head_dim()) + ", " + n(c.n_head_kv) +
                     " KV heads)");
    row("layers", n(c.n_layer) + (c.falcon_two_norms ? " (two LayerNorms per block)" : ""));
    row("feed-forward", n(c.n_ff));
    row("rope", n(c.n_rot) + " dims, base " + float_text(c.rope_freq_base) + ", " +
                    std::string(pairing_name(c.rope_pairing)) + " pairs");
    row("qkv", std::string(qkv_layout_name(c.qkv_layout)));
    row("norm eps", float_text(c.norm_eps));
    row("output", c.tied_output ? "tied to token_embd" : "separate output.weight");
    row("tokenizer", m.vocabulary ? std::string(tokenizer_kind_name(m.vocabulary->kind)) + ", " +
                                        n(m.vocabulary->tokens.size()) + " tokens"
          : m.vocabulary_error.empty() ? "none"
                                       : "unreadable: " + m.vocabulary_error);

    const std::uint64_t total = total_bytes(m);
    out << "\n";
    char line[96];
    std::snprintf(line, sizeof line, "%-8s %8s %16s\n", "type", "tensors", "bytes");
    out << line;
    for (const auto& [name, tt] : type_totals(m)) {
        std::snprintf(line, sizeof line, "%-8s %8llu %16llu %12s\n", name.c_str(),
                      static_cast<unsigned long long>(tt.count), static_cast<unsigned long long>(tt.bytes),
                      bytes_text(tt.bytes).c_str());
        out << line;
    }
    std::snprintf(line, sizeof line, "%-8s %8zu %16llu %12s\n", "total", m.tensors.size(),
                  static_cast<unsigned long long>(total), bytes_text(total).c_str());
    out << line;
}

}  // namespace

void add_model_inspect_command(CLI::App& model) {
    struct Options {
        std::string path;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = model.add_subcommand("inspect", "Show a model's architecture, sizes, tensors and tokenizer");
    cmd->add_option("path", opts->path, "A .gguf file or a Hugging Face model folder")->required();
    cmd->add_flag("--json", opts->json, "Print one JSON object instead of a table");
    cmd->callback([opts] {
        const ModelFile m = open_model(opts->path);
        if (opts->json)
            std::cout << describe(m).dump(2) << "\n";
        else
            print_table(m, std::cout);
    });
}

}  // namespace podium::cli
