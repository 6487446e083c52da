# node-gyp build of the layerwise native CPU backend (built with --directory native so its output
# lands in native/build/, away from tsc's build/). C++17, compiled for the host CPU.
{
  "targets": [
    {
      "target_name": "layerwise",
      "sources": ["addon.cc", "addon_train.cc", "addon_conv.cc", "conv.cc", "batchnorm.cc", "dense.cc", "gemm.cc", "kernels.cc", "optimizer.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags": ["-O3"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-ffp-contract=fast", "-fno-math-errno", "-fexceptions", "-pthread"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-march=native"]
      }
    }
  ]
}
