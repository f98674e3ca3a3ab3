// neardup errors: everything the library throws derives from neardup::Error.
//
// IoError: a file or stream failed. FormatError: input or an index is malformed.
// ConfigError: options that cannot work together. Messages say what failed and where.
// NEARDUP_CHECK always runs (user input); NEARDUP_ASSERT only in Debug/sanitizer builds.
//
// Example:
//   NEARDUP_CHECK(k > 0, "shingle size must be positive");
#pragma once

#include <stdexcept>
#include <string>

namespace neardup {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
class IoError : public Error {
public:
    using Error::Error;
};
class FormatError : public Error {
public:
    using Error::Error;
};
class ConfigError : public Error {
public:
    using Error::Error;
};

namespace detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line) noexcept;
}  // namespace detail

}  // namespace neardup

#define NEARDUP_CHECK(cond, msg)               \
    do {                                       \
        if (!(cond))                           \
            throw ::neardup::ConfigError(msg); \
    } while (false)

#ifdef NEARDUP_DEVELOPMENT_CHECKS
#define NEARDUP_ASSERT(cond)                                             \
    do {                                                                 \
        if (!(cond))                                                     \
            ::neardup::detail::assert_failed(#cond, __FILE__, __LINE__); \
    } while (false)
#else
#define NEARDUP_ASSERT(cond) \
    do {                     \
    } while (false)
#endif
