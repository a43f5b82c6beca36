#include "gateway/frame_scanner.h"

namespace borealis::gateway {

FrameScanner::FrameScanner(std::string_view capture, std::string_view stop, bool report_all,
                           std::size_t max_frame, std::size_t max_capture)
    : capture_(capture), stop_(stop), report_all_(report_all), max_frame_(max_frame), max_capture_(max_capture) {}

}  // namespace borealis::gateway
