// Secrets: random tokens and keys, digests to store instead of them, and
// comparisons that take the same time wherever the inputs differ. OpenSSL's
// libcrypto does the cryptography (RAND_bytes, SHA-256, CRYPTO_memcmp):
// nothing here is hand-written beyond the glue. Thread-safe functions.
#ifndef POLO_UTIL_SECRETS_H_
#define POLO_UTIL_SECRETS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace polo::util {

// `bytes` bytes from the operating system's CSPRNG, as 2 × bytes lowercase
// hex characters.
std::string RandomHexToken(int bytes = 32);

// SHA-256 of `text`: 32 raw bytes.
std::string Sha256(absl::string_view text);

// True if two SHA-256 digests are equal, in time that does not depend on
// where they differ.
bool DigestsEqual(absl::string_view a, absl::string_view b);

// True if a == b, in time that depends only on the lengths: their digests
// compared with DigestsEqual.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// A token from a file (--worker_token_file and the like): its contents
// without surrounding whitespace. InvalidArgument naming `flag` if the file
// cannot be read, is empty, is shorter than 16 characters or holds
// whitespace inside the token (a second line).
absl::StatusOr<std::string> ReadTokenFile(absl::string_view flag, const std::string& path);

}  // namespace polo::util

#endif  // POLO_UTIL_SECRETS_H_
