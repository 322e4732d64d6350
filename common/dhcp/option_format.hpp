#pragma once
// The format letters of ISC's option definitions (tables.c: "I", "BA", "Eipxe.", "Dc" ...),
// parsed into fields: shared by the encoder (option_encode.cpp) and describeFormat. Internal
// to common/dhcp; the public interface is option_catalogue.hpp.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snowboot::dhcp {

struct FieldSpec {
  char type = 0;
  std::string_view arg;  // E and N: the space or enumeration name
  bool optional = false;
  bool repeat = false;     // 'a': this field repeats to the end
  bool compressed = false;  // 'c' after D
};

// The fields of a format: the first kInline on the stack (every dhcp-options(5) type fits), so
// checking a value allocates nothing; longer records spill to the heap.
class FieldList {
 public:
  static constexpr std::size_t kInline = 16;
  void push_back(const FieldSpec& spec) {
    if (size_ < kInline) {
      inline_[size_] = spec;
    } else {
      if (heap_.empty()) heap_.assign(inline_.begin(), inline_.end());
      heap_.push_back(spec);
    }
    ++size_;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  FieldSpec& operator[](std::size_t i) { return size_ <= kInline ? inline_[i] : heap_[i]; }
  const FieldSpec& operator[](std::size_t i) const { return size_ <= kInline ? inline_[i] : heap_[i]; }
  FieldSpec& back() { return (*this)[size_ - 1]; }
  const FieldSpec* begin() const { return size_ <= kInline ? inline_.data() : heap_.data(); }
  const FieldSpec* end() const { return begin() + size_; }

 private:
  std::array<FieldSpec, kInline> inline_{};
  std::vector<FieldSpec> heap_;
  std::size_t size_ = 0;
};

struct Format {
  FieldList fields;
  bool arrayOfRecords = false;  // 'A'
};

// nullopt when the letters are not a format ISC's parser would build.
std::optional<Format> parseFormat(std::string_view format);
// "ip-address", "array of unsigned integer 8" ...: what an error says was expected.
std::string describeField(const FieldSpec& spec);

}  // namespace snowboot::dhcp
