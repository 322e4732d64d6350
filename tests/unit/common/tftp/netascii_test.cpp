#include "common/tftp/netascii.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::tftp;

namespace {

std::vector<std::uint8_t> bytesOf(const std::string& text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// Encodes `in` through an output window of `chunk` bytes at a time, as DATA blocks cut it.
std::vector<std::uint8_t> encodeInChunks(const std::vector<std::uint8_t>& in, std::size_t chunk) {
  NetasciiEncoder encoder;
  std::vector<std::uint8_t> out;
  std::span<const std::uint8_t> rest(in);
  std::vector<std::uint8_t> block(chunk);
  while (!rest.empty() || encoder.hasPending()) {
    auto progress = encoder.encode(rest, block);
    rest = rest.subspan(progress.consumed);
    out.insert(out.end(), block.begin(), block.begin() + progress.produced);
  }
  return out;
}

std::vector<std::uint8_t> decodeInChunks(const std::vector<std::uint8_t>& in, std::size_t chunk) {
  NetasciiDecoder decoder;
  std::vector<std::uint8_t> out;
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    decoder.decode(std::span(in).subspan(at, std::min(chunk, in.size() - at)), out);
  }
  decoder.finish(out);
  return out;
}

}  // namespace

TEST_CASE("netascii encodes LF as CR LF and CR as CR NUL", "[tftp][netascii]") {
  CHECK(encodeInChunks(bytesOf("a\nb\rc"), 64) == bytesOf(std::string("a\r\nb\r\0c", 7)));
  CHECK(encodeInChunks(bytesOf("\r\n"), 64) == bytesOf(std::string("\r\0\r\n", 4)));
  CHECK(encodeInChunks({}, 64).empty());
}

TEST_CASE("netascii decodes CR LF and CR NUL, keeping a stray CR", "[tftp][netascii]") {
  CHECK(decodeInChunks(bytesOf(std::string("a\r\nb\r\0c", 7)), 64) == bytesOf("a\nb\rc"));
  CHECK(decodeInChunks(bytesOf("x\ry"), 64) == bytesOf("x\ry"));
  CHECK(decodeInChunks(bytesOf("end\r"), 64) == bytesOf("end\r"));
  CHECK(decodeInChunks(bytesOf("\r\r\n"), 64) == bytesOf("\r\n"));
}

TEST_CASE("netascii round-trips for every block size, pairs split across blocks",
          "[tftp][netascii]") {
  std::vector<std::uint8_t> text;
  for (int i = 0; i < 300; ++i) {
    text.push_back(static_cast<std::uint8_t>(i % 7 == 0 ? '\n' : i % 11 == 0 ? '\r' : 'a' + i % 26));
  }
  for (std::size_t chunk = 1; chunk <= 40; ++chunk) {
    auto wire = encodeInChunks(text, chunk);
    CHECK(wire == encodeInChunks(text, 4096));
    CHECK(decodeInChunks(wire, chunk) == text);
  }
}
