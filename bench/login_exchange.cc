// The frontend side of one login + query + Terminate: explicit states, one branch per message type.
// A failing branch returns `failed` at once; nothing falls through to a later state.
#include "bench/login_exchange.h"

#include "pgwire/constants.h"
#include "pgwire/messages.h"

namespace borealis::bench {

LoginExchange::LoginExchange(std::string user, std::string database, Secret password, bool tls,
                             std::string tls_end_point, std::string query)
    : user_(std::move(user)),
      database_(std::move(database)),
      password_(std::move(password)),
      tls_(tls),
      tls_end_point_(std::move(tls_end_point)),
      query_(std::move(query)) {}

void LoginExchange::start(std::string& out) {
  pgwire::encode_startup_message(out, pgwire::kProtocolV3, {{"user", user_}, {"database", database_}});
}

LoginExchange::Event LoginExchange::fail(std::string error, bool server_error) {
  state_ = State::failed;
  return Event{Event::Kind::failed, std::move(error), server_error};
}

LoginExchange::Event LoginExchange::on_frame(const pgwire::Frame& frame, std::string& out) {
  if (state_ == State::finished || state_ == State::failed) return fail("message after the end of the exchange");
  switch (frame.type) {
    case 'E': {
      auto fields = pgwire::parse_error_fields(frame.body);
      if (!fields) return fail("malformed ErrorResponse");
      return fail(fields->severity + " " + fields->sqlstate + " " + fields->message, /*server_error=*/true);
    }
    case 'N':  // NoticeResponse, ParameterStatus, BackendKeyData, NegotiateProtocolVersion: not needed
    case 'S':
    case 'K':
    case 'v':
      return {};
    case 'R':
      if (state_ != State::authenticating) return fail("authentication request after authentication");
      return on_authentication(frame.body, out);
    case 'Z':
      if (state_ == State::awaiting_ready) {
        pgwire::encode_query(out, query_);
        state_ = State::querying;
        return Event{Event::Kind::logged_in, {}, false};
      }
      if (state_ == State::querying) {
        pgwire::encode_terminate(out);
        state_ = State::finished;
        return Event{Event::Kind::finished, {}, false};
      }
      return fail("ReadyForQuery before authentication completed");
    case 'T':  // RowDescription, DataRow, CommandComplete of the query
    case 'D':
    case 'C':
      if (state_ != State::querying) return fail(std::string("unexpected message '") + frame.type + "'");
      return {};
    default:
      return fail(std::string("unexpected message '") + frame.type + "'");
  }
}

LoginExchange::Event LoginExchange::on_authentication(std::string_view body, std::string& out) {
  auto code = pgwire::parse_auth_code(body);
  if (!code) return fail("malformed authentication request: " + code.error().message);
  switch (*code) {
    case pgwire::AuthCode::ok:
      if (scram_ && scram_->state() != ScramClient::State::succeeded) {
        return fail("AuthenticationOk before the SCRAM exchange completed");  // libpq refuses this too
      }
      state_ = State::awaiting_ready;
      return {};
    case pgwire::AuthCode::cleartext_password:
      pgwire::encode_password_message(out, password_.reveal());
      return {};
    case pgwire::AuthCode::sasl: {
      if (scram_) return fail("second AuthenticationSASL");
      auto mechanisms = pgwire::parse_auth_sasl_mechanisms(body);
      if (!mechanisms) return fail("malformed AuthenticationSASL");
      scram_ = std::make_unique<ScramClient>(password_, tls_, tls_end_point_);
      auto mechanism = scram_->choose_mechanism(*mechanisms);
      if (!mechanism) return fail(mechanism.error().message);
      pgwire::encode_sasl_initial_response(out, *mechanism, scram_->client_first());
      return {};
    }
    case pgwire::AuthCode::sasl_continue: {
      auto data = pgwire::parse_auth_data(body);
      if (!scram_ || !data) return fail("unexpected AuthenticationSASLContinue");
      auto client_final = scram_->on_server_first(*data);
      if (!client_final) return fail(client_final.error().message);
      pgwire::encode_sasl_response(out, *client_final);
      return {};
    }
    case pgwire::AuthCode::sasl_final: {
      auto data = pgwire::parse_auth_data(body);
      if (!scram_ || !data) return fail("unexpected AuthenticationSASLFinal");
      if (auto s = scram_->on_server_final(*data); !s) return fail(s.error().message);
      return {};
    }
    default:
      return fail("authentication method " + std::to_string(static_cast<int>(*code)) + " is not supported");
  }
}

}  // namespace borealis::bench
