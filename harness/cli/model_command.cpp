#include "harness/cli/commands.h"

namespace podium::cli {

void add_model_command(CLI::App& app) {
    auto* model = app.add_subcommand("model", "Create and inspect model files");
    model->require_subcommand(1);
    add_model_synth_command(*model);
    add_model_inspect_command(*model);
}

}  // namespace podium::cli
