#pragma once
// RFC 1350 netascii as two stream transforms, separate from the packet codec so each can be
// tested alone: a file's LF becomes CR LF and a bare CR becomes CR NUL on the wire, and back.
// Both keep state across calls because a pair may straddle two DATA blocks.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace snowboot::tftp {

// File bytes -> wire bytes.
class NetasciiEncoder {
 public:
  struct Progress {
    std::size_t consumed = 0;  // bytes of `in` used
    std::size_t produced = 0;  // bytes written to `out`
  };

  // Converts as much of `in` as fits in `out`. A pair that does not fit entirely is split:
  // its first byte is written and the second is held for the next call.
  Progress encode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);
  bool hasPending() const { return pending_.has_value(); }

 private:
  std::optional<std::uint8_t> pending_;
};

// Wire bytes -> file bytes. CR LF -> LF, CR NUL -> CR; a CR before anything else is kept.
class NetasciiDecoder {
 public:
  void decode(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out);
  // End of the transfer: a CR still held is written as it is.
  void finish(std::vector<std::uint8_t>& out);

 private:
  bool pendingCr_ = false;
};

}  // namespace snowboot::tftp
