// Outcome<T>: a value or an AWS-shaped error (api::ApiError with the EC2 code, e.g.
// "InvalidVpcID.NotFound"), for the networking rules that handlers, the default network and the
// Directory Service helpers share. Store failures become "InternalError" (HTTP 500) with the store's
// message, which never holds a secret (the network tables hold none).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "api/operation.h"
#include "common/result.h"
#include "store/store.h"

namespace borealis::network {

template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}            // NOLINT: implicit by design
  Outcome(api::ApiError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  T& operator*() & { return value(); }
  const api::ApiError& error() const& { return std::get<1>(v_); }
  api::ApiError&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, api::ApiError> v_;
};

struct Done {};
using Checked = Outcome<Done>;

inline api::ApiError ec2_error(std::string code, std::string message) {
  return api::ApiError{std::move(code), std::move(message), 0, true};
}
inline api::ApiError internal_error(const Error& e) {
  return api::ApiError{"InternalError", "the network model could not be read or written: " + e.message, 500, false};
}
// Maps a store failure to an AWS error: not_found becomes `not_found_code` with `not_found_message`.
inline api::ApiError store_error(const Error& e, const std::string& not_found_code, const std::string& not_found_message) {
  if (e.code == Errc::not_found) return ec2_error(not_found_code, not_found_message);
  return internal_error(e);
}

// Runs `body` in one store transaction (joining an open one): an error from `body` rolls everything
// back and is returned as it is; a store failure becomes InternalError.
inline Checked in_transaction(store::Store& store, const std::function<Checked()>& body) {
  std::optional<api::ApiError> failure;
  Status s = store.transaction([&]() -> Status {
    Checked c = body();
    if (c) return ok_status();
    failure = std::move(c).error();
    return make_error(Errc::invalid_argument, "rolled back: " + failure->code);
  });
  if (failure) return std::move(*failure);
  if (!s) return internal_error(s.error());
  return Done{};
}

}  // namespace borealis::network
