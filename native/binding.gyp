# node-gyp build of the layerwise native CPU backend (built with --directory native so its output lands in
# native/build/, away from tsc's build/). C++17. The addon and the ISA-neutral drivers are compiled for the
# architecture's baseline (x86-64: SSE2); each ISA folder under isa/ is a static library with its own target flags,
# chosen at run time by dispatch.cc. Never a host-tuned -march: the binary must run on any CPU of its architecture.
{
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags": ["-O3"],
    "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=fast", "-fno-math-errno", "-fexceptions", "-pthread"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=fast", "-fno-math-errno"]
    }
  },
  "targets": [
    {
      "target_name": "layerwise",
      "sources": ["addon.cc", "addon_train.cc", "addon_conv.cc", "conv.cc", "batchnorm.cc", "dense.cc", "dispatch.cc", "gemm.cc", "kernels.cc",
                  "optimizer.cc", "weight_grad.cc", "isa/baseline/kernels.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["isa_avx2", "isa_avx512"]}],
        ["target_arch=='arm64'", {"sources": ["isa/neon/kernels.cc"]}]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "isa_avx2",
          "type": "static_library",
          "sources": ["isa/avx2/kernels.cc"],
          "cflags_cc": ["-fPIC", "-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"]}
        },
        {
          "target_name": "isa_avx512",
          "type": "static_library",
          "sources": ["isa/avx512/kernels.cc"],
          "cflags_cc": ["-fPIC", "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma",
                        "-mprefer-vector-width=256"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2",
                                                      "-mfma", "-mprefer-vector-width=256"]}
        }
      ]
    }]
  ]
}
