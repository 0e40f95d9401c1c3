#include "util/secrets.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"

namespace polo::util {

std::string RandomHexToken(int bytes) {
  std::vector<unsigned char> raw(static_cast<size_t>(bytes));
  // RAND_bytes fails only if the OS has no entropy source at all; a
  // predictable secret is worse than stopping.
  if (RAND_bytes(raw.data(), bytes) != 1) std::abort();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

std::string Sha256(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool DigestsEqual(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  // Digests have equal lengths whatever the inputs, so the comparison's
  // time does not depend on where they differ, nor on a's length.
  return DigestsEqual(Sha256(a), Sha256(b));
}

absl::StatusOr<std::string> ReadTokenFile(absl::string_view flag, const std::string& path) {
  absl::StatusOr<std::string> text = ReadFlagFile(flag, path);
  if (!text.ok()) return text.status();
  const std::string token(absl::StripAsciiWhitespace(*text));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": \"", path, "\" is empty"));
  }
  if (token.size() < 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": the token in \"", path, "\" has ", token.size(),
                     " characters, expected at least 16 (deploy/make_certs.sh writes 64)"));
  }
  for (char c : token) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || !absl::ascii_isprint(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, ": \"", path, "\" holds more than one token (expected one line of "
          "printable characters without spaces)"));
    }
  }
  return token;
}

}  // namespace polo::util
