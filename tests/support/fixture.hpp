#pragma once
// Test fixtures committed under tests/fixtures/ (SNOWBOOT_FIXTURES_DIR is set by CMake).

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace snowboot::test {

inline std::vector<std::uint8_t> readFixture(const std::string& relativePath) {
  const std::string path = std::string(SNOWBOOT_FIXTURES_DIR) + "/" + relativePath;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace snowboot::test
