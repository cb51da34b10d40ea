#pragma once
// What the CUDA side of this build is: compiled in or not, and whether a device
// is usable right now. Safe to call on machines with no GPU or no driver.
#include <string>

namespace podium {

bool cuda_compiled();
// Number of usable CUDA devices (0 without a GPU, driver or CUDA build).
int cuda_device_count();
// One line: "not compiled", "compiled, no device found (...)", or "NVIDIA H200 (sm_90), ...".
std::string cuda_status();

}  // namespace podium
