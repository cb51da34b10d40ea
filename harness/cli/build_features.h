#pragma once
#include <string>

namespace podium::cli {

// "podium 0.1.0" plus build features: SIMD level found at run time, CUDA
// compiled or not, CUDA target archs, and whether a GPU is present now.
std::string version_text();

}  // namespace podium::cli
