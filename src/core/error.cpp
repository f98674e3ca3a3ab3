#include "neardup/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace neardup::detail {

void assert_failed(const char* expr, const char* file, int line) noexcept {
    std::fprintf(stderr, "neardup: internal assertion failed: %s (%s:%d)\n", expr, file, line);
    std::abort();
}

}  // namespace neardup::detail
