// A secret (password, token, key material). It has no formatter and no stream operator on purpose:
// code that tries to log one does not compile. Read it only where it is used (`reveal()`), and the
// bytes are wiped when it dies.
#pragma once

#include <string>
#include <string_view>

namespace borealis {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) { wipe(); value_ = std::move(other.value_); other.wipe(); }
    return *this;
  }
  ~Secret() { wipe(); }

  std::string_view reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }
  std::size_t size() const noexcept { return value_.size(); }

 private:
  void wipe() noexcept;
  std::string value_;
};

}  // namespace borealis
