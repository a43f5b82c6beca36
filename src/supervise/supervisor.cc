// Named children with restart and exponential backoff, driven by the owner's poll() (see supervisor.h).
#include "supervise/supervisor.h"

#include <algorithm>
#include <utility>

#include "common/log.h"

namespace borealis::supervise {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Supervisor::Child {
  ChildSpec spec;
  Process process;
  ChildState state = ChildState::running;
  Clock::time_point started_at{};
  Clock::time_point next_start{};
  milliseconds backoff{0};
  int restarts = 0;
  std::optional<ExitStatus> last_exit;
  std::optional<std::string> last_error;
};

namespace {

milliseconds next_backoff(const RestartPolicy& p, milliseconds current, milliseconds ran_for) {
  if (current.count() == 0 || ran_for >= p.healthy_after) return p.initial_backoff;
  return std::min(current * 2, p.max_backoff);
}

long long ms(milliseconds d) { return static_cast<long long>(d.count()); }

}  // namespace

Supervisor::Supervisor() = default;
Supervisor::Supervisor(Supervisor&&) noexcept = default;
Supervisor& Supervisor::operator=(Supervisor&& other) noexcept {
  if (this != &other) {
    stop_all();
    children_ = std::move(other.children_);
  }
  return *this;
}
Supervisor::~Supervisor() { stop_all(); }

Supervisor::Child* Supervisor::find(const std::string& name) const {
  for (const auto& c : children_)
    if (c->spec.name == name) return c.get();
  return nullptr;
}

Status Supervisor::start(ChildSpec spec) {
  if (spec.name.empty()) return make_error(Errc::invalid_argument, "child name is empty");
  if (find(spec.name) != nullptr) return make_error(Errc::already_exists, "child " + spec.name + " is already supervised");
  auto proc = Process::spawn(spec.process);
  if (!proc) return std::move(proc).error();
  auto child = std::make_unique<Child>();
  child->spec = std::move(spec);
  child->process = std::move(proc).value();
  child->started_at = Clock::now();
  log::info("supervise", "started child={} pid={}", child->spec.name, child->process.pid());
  children_.push_back(std::move(child));
  return ok_status();
}

std::vector<std::string> Supervisor::poll() {
  std::vector<std::string> exited;
  const auto now = Clock::now();
  for (auto& c : children_) {
    if (c->state == ChildState::running) {
      auto r = c->process.try_wait();
      if (!r) {
        // ECHILD would mean someone else reaped our child (a waitpid(-1) elsewhere): report, and
        // treat it as an exit so the policy still applies.
        log::error("supervise", "child={} pid={} wait failed: {}", c->spec.name, c->process.pid(), r.error().message);
        c->last_exit = ExitStatus{false, -1, 0};
      } else if (!r->has_value()) {
        continue;
      } else {
        c->last_exit = **r;
      }
      exited.push_back(c->spec.name);
      const auto ran_for = std::chrono::duration_cast<milliseconds>(now - c->started_at);
      if (!c->spec.restart.restart) {
        c->state = ChildState::exited;
        log::warn("supervise", "child={} pid={} exited ({}) after {} ms; not restarting", c->spec.name,
                  c->process.pid(), c->last_exit->describe(), ms(ran_for));
        continue;
      }
      c->backoff = next_backoff(c->spec.restart, c->backoff, ran_for);
      c->next_start = now + c->backoff;
      c->state = ChildState::backoff;
      log::warn("supervise", "child={} pid={} exited ({}) after {} ms; restarting in {} ms", c->spec.name,
                c->process.pid(), c->last_exit->describe(), ms(ran_for), ms(c->backoff));
    }
    if (c->state == ChildState::backoff && now >= c->next_start) {
      auto proc = Process::spawn(c->spec.process);
      if (!proc) {
        c->last_error = proc.error().message;
        c->backoff = std::min(c->backoff * 2, c->spec.restart.max_backoff);
        c->next_start = now + c->backoff;
        log::error("supervise", "child={} restart failed: {}; next try in {} ms", c->spec.name,
                   proc.error().message, ms(c->backoff));
        continue;
      }
      c->process = std::move(proc).value();
      c->state = ChildState::running;
      c->started_at = now;
      c->last_error.reset();
      ++c->restarts;
      log::info("supervise", "restarted child={} pid={} restarts={}", c->spec.name, c->process.pid(), c->restarts);
    }
  }
  return exited;
}

Result<ExitStatus> Supervisor::stop(const std::string& name, int signal, milliseconds timeout) {
  return stop(name, std::vector<StopStep>{{signal, timeout}});
}

Result<ExitStatus> Supervisor::stop(const std::string& name, const std::vector<StopStep>& steps) {
  auto it = std::find_if(children_.begin(), children_.end(), [&](const auto& c) { return c->spec.name == name; });
  if (it == children_.end()) return make_error(Errc::not_found, "child " + name + " is not supervised");
  std::unique_ptr<Child> child = std::move(*it);
  children_.erase(it);  // forgotten first: nothing can restart it while we wait
  if (child->state != ChildState::running) {
    if (child->last_exit) return *child->last_exit;
    return ExitStatus{};
  }
  const pid_t pid = child->process.pid();
  auto r = child->process.stop(steps);
  if (r) log::info("supervise", "stopped child={} pid={} ({})", name, pid, r->describe());
  return r;
}

void Supervisor::stop_all() {
  // Reverse start order: what started last (e.g. the gateway) may depend on what started first.
  while (!children_.empty()) {
    const std::string name = children_.back()->spec.name;
    const auto steps = children_.back()->spec.stop_steps;
    auto r = stop(name, steps);
    if (!r) log::error("supervise", "stopping child={} failed: {}", name, r.error().message);
  }
}

bool Supervisor::contains(const std::string& name) const { return find(name) != nullptr; }

std::optional<pid_t> Supervisor::pid(const std::string& name) const {
  const Child* c = find(name);
  if (c == nullptr || c->state != ChildState::running) return std::nullopt;
  return c->process.pid();
}

Result<ChildInfo> Supervisor::info(const std::string& name) const {
  const Child* c = find(name);
  if (c == nullptr) return make_error(Errc::not_found, "child " + name + " is not supervised");
  ChildInfo i;
  i.name = c->spec.name;
  i.state = c->state;
  if (c->state == ChildState::running) i.pid = c->process.pid();
  i.restarts = c->restarts;
  i.last_exit = c->last_exit;
  i.current_backoff = c->backoff;
  i.last_error = c->last_error;
  return i;
}

std::vector<std::string> Supervisor::names() const {
  std::vector<std::string> out;
  for (const auto& c : children_) out.push_back(c->spec.name);
  return out;
}

}  // namespace borealis::supervise
