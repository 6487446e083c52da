// Headers every ISA's kernels.cc includes before opening its namespace (the shared .inl files include nothing).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "../../isa.h"
