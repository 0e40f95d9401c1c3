// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected; the checksum of
// iSCSI, RFC 3720) and the masked form TensorBoard's event files store
// (util/tensorboard_writer.h). Stateless, thread-safe.
#ifndef POLO_UTIL_CRC32C_H_
#define POLO_UTIL_CRC32C_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace polo::util {

// CRC-32C of `data`: initial value and final XOR 0xFFFFFFFF, so
// Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(absl::string_view data);

// The rotated, offset CRC-32C that TFRecord framing stores, so that a CRC
// computed over data that itself holds CRCs is not trivially related to
// them: ((crc >> 15) | (crc << 17)) + 0xA282EAD8 (mod 2^32).
uint32_t MaskedCrc32c(absl::string_view data);

}  // namespace polo::util

#endif  // POLO_UTIL_CRC32C_H_
