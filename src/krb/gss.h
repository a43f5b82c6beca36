// Move-only RAII owners for the GSSAPI handles borealis touches (buffers, names, credentials,
// security contexts) and the error value that describes a failed GSS call. Output parameters are
// reached through an explicit `.out()` (which first releases whatever the owner held), never
// through an overloaded operator&. Nothing here logs: a GssError carries only status texts, never
// token bytes.
//
// Thread rule (MIT krb5): the minor-status text of a failed call lives in thread-local state of the
// mechanism, so GssError::capture must run on the same thread, right after the failing call and
// before any other GSS call or any release of the handles involved.
#pragma once

#include <gssapi/gssapi.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace borealis::krb {

// Status of one failed GSS call, with both texts read from gss_display_status at capture time.
struct GssError {
  std::string operation;   // e.g. "gss_accept_sec_context"
  OM_uint32 major = 0;
  OM_uint32 minor = 0;
  std::string major_text;  // every GSS_C_GSS_CODE message, joined with "; "
  std::string minor_text;  // every GSS_C_MECH_CODE message (krb5 mechanism), joined with "; "

  static GssError capture(std::string_view operation, OM_uint32 major, OM_uint32 minor);
  // "<operation>: <major_text>: <minor_text> (major 0x..., minor 0x...)" — for logs, never clients.
  std::string describe() const;
  Error to_error(Errc code) const { return make_error(code, describe()); }
};

// A non-owning gss_buffer_desc over caller bytes (GSS input parameters are not modified, the C
// API is merely not const-correct).
inline gss_buffer_desc borrow_buffer(std::string_view bytes) noexcept {
  return gss_buffer_desc{bytes.size(), const_cast<char*>(bytes.data())};
}

// A buffer GSS allocated for us (output token, display name, wrapped message).
class GssBuffer {
 public:
  GssBuffer() noexcept = default;
  ~GssBuffer() { reset(); }
  GssBuffer(GssBuffer&& other) noexcept : buf_(std::exchange(other.buf_, gss_buffer_desc{0, nullptr})) {}
  GssBuffer& operator=(GssBuffer&& other) noexcept {
    if (this != &other) { reset(); buf_ = std::exchange(other.buf_, gss_buffer_desc{0, nullptr}); }
    return *this;
  }
  GssBuffer(const GssBuffer&) = delete;
  GssBuffer& operator=(const GssBuffer&) = delete;

  gss_buffer_t out() noexcept { reset(); return &buf_; }
  std::string_view view() const noexcept {
    return buf_.value == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(buf_.value), buf_.length);
  }
  bool empty() const noexcept { return buf_.length == 0; }
  void reset() noexcept;

 private:
  gss_buffer_desc buf_{0, nullptr};
};

// One owner template for the pointer-like handles; Traits says how to release the handle.
template <class Traits>
class GssHandle {
 public:
  using handle_type = typename Traits::handle_type;

  GssHandle() noexcept = default;
  ~GssHandle() { reset(); }
  GssHandle(GssHandle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  GssHandle& operator=(GssHandle&& other) noexcept {
    if (this != &other) { reset(); h_ = std::exchange(other.h_, nullptr); }
    return *this;
  }
  GssHandle(const GssHandle&) = delete;
  GssHandle& operator=(const GssHandle&) = delete;

  handle_type get() const noexcept { return h_; }
  handle_type* out() noexcept { reset(); return &h_; }
  // For calls such as gss_init_sec_context that read AND update the handle in place.
  handle_type* in_out() noexcept { return &h_; }
  explicit operator bool() const noexcept { return h_ != nullptr; }
  void reset() noexcept {
    if (h_ != nullptr) Traits::release(&h_);
    h_ = nullptr;
  }

 private:
  handle_type h_ = nullptr;
};

struct GssNameTraits {
  using handle_type = gss_name_t;
  static void release(gss_name_t* h) noexcept;
};
struct GssCredTraits {
  using handle_type = gss_cred_id_t;
  static void release(gss_cred_id_t* h) noexcept;
};
struct GssContextTraits {
  using handle_type = gss_ctx_id_t;
  static void release(gss_ctx_id_t* h) noexcept;  // gss_delete_sec_context, no output token
};

using GssName = GssHandle<GssNameTraits>;
using GssCred = GssHandle<GssCredTraits>;
using GssContext = GssHandle<GssContextTraits>;

// gss_display_name of `name` ("alice@TEST.BOREALIS").
Result<std::string> display_name(const GssName& name);

}  // namespace borealis::krb
