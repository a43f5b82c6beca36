// libFuzzer entry for the IAM login exchange decoders (auth/iam_exchange.h). The peer is the gateway
// or the control plane, both checked by uid, but a crash on any input is still a bug, and the
// decoders are the only code between the two that reads lengths off the wire. Beyond ASan/UBSan it
// checks: a decoded frame consumed no more than it was given and re-encodes to exactly those bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/iam_exchange.h"
#include "common/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace borealis::auth;  // NOLINT: a fuzzer is one file of calls into this namespace
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto q = decode_iam_question(input);
  if (q.status == IamExchangeDecode<IamLoginQuestion>::Status::ok) {
    FUZZ_CHECK(q.consumed <= input.size());
    std::string again;
    FUZZ_CHECK(encode_iam_question(again, q.message));
    FUZZ_CHECK(again == input.substr(0, q.consumed));
  }
  auto a = decode_iam_answer(input);
  if (a.status == IamExchangeDecode<IamLoginAnswer>::Status::ok) {
    FUZZ_CHECK(a.consumed <= input.size());
    std::string again;
    FUZZ_CHECK(encode_iam_answer(again, a.message));
    FUZZ_CHECK(again == input.substr(0, a.consumed));
  }
  return 0;
}
