// The transfer state machine driven at explicit times: no sockets, no clock.
#include "tftpd/session.hpp"

#include <cerrno>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::tftpd;
using namespace snowboot::tftp;
using namespace std::chrono_literals;

namespace {

const TimePoint t0 = TimePoint{} + 1000s;

class MemorySource : public FileSource {
 public:
  explicit MemorySource(std::vector<std::uint8_t> data, int failAfter = -1)
      : data_(std::move(data)), failAfter_(failAfter) {}
  std::expected<std::size_t, int> read(std::span<std::uint8_t> out) override {
    if (failAfter_ >= 0 && at_ >= static_cast<std::size_t>(failAfter_)) return std::unexpected(EIO);
    // Short reads on purpose: the session must loop until a block is full.
    const std::size_t n = std::min({out.size(), data_.size() - at_, std::size_t{300}});
    std::copy_n(data_.begin() + at_, n, out.begin());
    at_ += n;
    return n;
  }

 private:
  std::vector<std::uint8_t> data_;
  std::size_t at_ = 0;
  int failAfter_;
};

class MemorySink : public FileSink {
 public:
  MemorySink(std::vector<std::uint8_t>& out, std::size_t capacity = SIZE_MAX)
      : out_(out), capacity_(capacity) {}
  std::expected<void, int> write(std::span<const std::uint8_t> data) override {
    if (out_.size() + data.size() > capacity_) return std::unexpected(ENOSPC);
    out_.insert(out_.end(), data.begin(), data.end());
    return {};
  }
  std::expected<void, int> finish() override {
    finished = true;
    return {};
  }
  bool finished = false;

 private:
  std::vector<std::uint8_t>& out_;
  std::size_t capacity_;
};

std::vector<std::uint8_t> pattern(std::size_t size) {
  std::vector<std::uint8_t> data(size);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return data;
}

std::vector<std::uint8_t> bytesOf(const Packet& packet) {
  std::vector<std::uint8_t> out(bufferLength(packet));
  REQUIRE(emit(packet, out));
  return out;
}

Request rrq(std::vector<Option> options = {}, std::string mode = "octet") {
  return Request{Opcode::Rrq, "file", std::move(mode), std::move(options)};
}
Request wrq(std::vector<Option> options = {}, std::string mode = "octet") {
  return Request{Opcode::Wrq, "file", std::move(mode), std::move(options)};
}

std::vector<Packet> sent(const Session& session) {
  std::vector<Packet> packets;
  for (auto bytes : session.outbox()) {
    auto parsed = parse(bytes);
    REQUIRE(parsed);
    packets.push_back(*parsed);
  }
  return packets;
}

std::vector<std::uint16_t> dataBlocks(const Session& session) {
  std::vector<std::uint16_t> blocks;
  for (const auto& packet : sent(session)) blocks.push_back(std::get<Data>(packet).block);
  return blocks;
}

void ack(Session& session, std::uint16_t block, TimePoint now) {
  session.onPacket(bytesOf(Ack{block}), now);
}
void data(Session& session, std::uint16_t block, const std::vector<std::uint8_t>& payload,
          TimePoint now) {
  session.onPacket(bytesOf(Data{block, payload}), now);
}

// A well-behaved client: acknowledges the last block of each burst; returns what it received.
std::vector<std::uint8_t> drain(Session& session, TimePoint now) {
  std::vector<std::uint8_t> received;
  while (!session.finished()) {
    auto packets = sent(session);
    REQUIRE_FALSE(packets.empty());
    for (const auto& packet : packets) {
      const auto& d = std::get<Data>(packet);
      received.insert(received.end(), d.payload.begin(), d.payload.end());
    }
    ack(session, std::get<Data>(packets.back()).block, now);
  }
  return received;
}

}  // namespace

TEST_CASE("RRQ octet without options: DATA 1.. then done on the short block's ACK",
          "[tftpd][session]") {
  for (std::size_t size : {0u, 1u, 511u, 512u, 513u, 1024u, 1200u, 5000u}) {
    INFO("file of " << size << " bytes");
    const auto file = pattern(size);
    auto session = Session::startRead(rrq(), std::make_unique<MemorySource>(file), size, {}, t0);
    REQUIRE(dataBlocks(*session) == std::vector<std::uint16_t>{1});
    CHECK(drain(*session, t0) == file);
    CHECK(session->outcome() == Outcome::Completed);
    CHECK(session->bytes() == size);
    CHECK_FALSE(session->deadline());
  }
}

TEST_CASE("loss: retransmission with tftpd-hpa's backoff, then give up", "[tftpd][session]") {
  auto session = Session::startRead(rrq(), std::make_unique<MemorySource>(pattern(100)), 100, {}, t0);
  const auto first = std::vector<std::uint8_t>(session->outbox()[0].begin(), session->outbox()[0].end());
  REQUIRE(session->deadline() == t0 + 1s);
  session->onTimeout(t0 + 999ms);  // early: nothing
  CHECK(session->outbox().empty());
  TimePoint now = t0;
  std::vector<std::chrono::seconds> waits;
  while (!session->finished()) {
    auto deadline = *session->deadline();
    waits.push_back(std::chrono::duration_cast<std::chrono::seconds>(deadline - now));
    now = deadline;
    session->onTimeout(now);
    if (!session->finished()) {
      REQUIRE(session->outbox().size() == 1);
      CHECK(std::vector<std::uint8_t>(session->outbox()[0].begin(), session->outbox()[0].end()) == first);
    }
  }
  CHECK(waits == std::vector<std::chrono::seconds>{1s, 2s, 4s, 8s, 16s, 32s});
  CHECK(session->outcome() == Outcome::TimedOut);
}

TEST_CASE("a duplicate or stale ACK is not answered (no Sorcerer's Apprentice)",
          "[tftpd][session]") {
  auto session = Session::startRead(rrq(), std::make_unique<MemorySource>(pattern(2000)), 2000, {}, t0);
  ack(*session, 1, t0);
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{2});
  ack(*session, 1, t0 + 1ms);  // duplicate
  CHECK(session->outbox().empty());
  ack(*session, 0, t0 + 2ms);  // stale
  CHECK(session->outbox().empty());
  ack(*session, 9, t0 + 3ms);  // from the future
  CHECK(session->outbox().empty());
  session->onPacket(std::vector<std::uint8_t>{0, 4, 0}, t0);  // truncated garbage
  CHECK(session->outbox().empty());
  ack(*session, 2, t0 + 4ms);
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{3});
  // A late ACK restarts the backoff from the base timeout.
  CHECK(session->deadline() == t0 + 4ms + 1s);
}

TEST_CASE("options: OACK in client order, then wait for ACK 0", "[tftpd][session]") {
  SessionLimits limits;
  limits.maxBlockSize = 1468;
  const auto file = pattern(5000);
  auto session = Session::startRead(
      rrq({{"BLKSIZE", "65464"}, {"foo", "1"}, {"tsize", "0"}, {"timeout", "3"}}),
      std::make_unique<MemorySource>(file), 5000, limits, t0);
  auto packets = sent(*session);
  REQUIRE(packets.size() == 1);
  CHECK(std::get<OptionAck>(packets[0]).options ==
        std::vector<Option>{{"BLKSIZE", "1468"}, {"tsize", "5000"}, {"timeout", "3"}});
  CHECK(session->deadline() == t0 + 3s);
  // OACK lost: it is sent again.
  session->onTimeout(t0 + 3s);
  CHECK(std::holds_alternative<OptionAck>(sent(*session).at(0)));
  ack(*session, 0, t0 + 4s);
  auto first = sent(*session);
  REQUIRE(first.size() == 1);
  CHECK(std::get<Data>(first[0]).payload.size() == 1468);
  CHECK(session->deadline() == t0 + 7s);
}

TEST_CASE("each option's range, as tftpd-hpa checks it", "[tftpd][session]") {
  SessionLimits limits;
  auto n = [&](std::vector<Option> options, bool read = true) {
    return negotiate(read ? rrq(std::move(options)) : wrq(std::move(options)), limits, 1234);
  };
  CHECK(n({{"blksize", "7"}}).accepted.empty());
  CHECK(n({{"blksize", "8"}}).blockSize == 8);
  CHECK(n({{"blksize", "65465"}}).blockSize == 65464);
  CHECK(n({{"blksize", "12x"}}).accepted.empty());
  CHECK(n({{"blksize", ""}}).accepted.empty());
  CHECK(n({{"blksize", "-1"}}).accepted.empty());
  CHECK(n({{"blksize2", "1000"}}).accepted == std::vector<Option>{{"blksize2", "512"}});
  CHECK(n({{"tsize", "0"}}).accepted == std::vector<Option>{{"tsize", "1234"}});
  CHECK(n({{"tsize", "99"}}, false).accepted == std::vector<Option>{{"tsize", "99"}});
  CHECK(n({{"timeout", "0"}}).accepted.empty());
  CHECK(n({{"timeout", "256"}}).accepted.empty());
  CHECK(n({{"timeout", "255"}}).retransmit == 255s);
  CHECK(n({{"utimeout", "9999"}}).accepted.empty());
  CHECK(n({{"utimeout", "10000"}}).retransmit == 10ms);
  CHECK(n({{"rollover", "65536"}}).accepted.empty());
  CHECK(n({{"rollover", "1"}}).rollover == 1);
  CHECK(n({{"windowsize", "0"}}).accepted.empty());
  CHECK(n({{"windowsize", "16"}}).windowSize == 16);
  CHECK(n({{"windowsize", "100000"}}).windowSize == 64);
  // The window is bounded in bytes too, whatever order blksize comes in.
  auto big = n({{"windowsize", "16"}, {"blksize", "65464"}});
  CHECK(big.windowSize == 16);
  CHECK(big.accepted == std::vector<Option>{{"windowsize", "16"}, {"blksize", "65464"}});
  limits.maxWindowBytes = 256 * 1024;
  CHECK(n({{"windowsize", "16"}, {"blksize", "65464"}}).accepted.at(0).value == "4");
  limits.refused = {"TSIZE"};
  CHECK(n({{"tsize", "0"}, {"blksize", "1024"}}).accepted == std::vector<Option>{{"blksize", "1024"}});
  // netascii: tsize is not offered (the size on the wire is unknown), as in tftpd-hpa.
  CHECK(negotiate(rrq({{"tsize", "0"}}, "netascii"), {}, std::nullopt).accepted.empty());
}

TEST_CASE("the client's ERROR 8 after our OACK ends the transfer quietly", "[tftpd][session]") {
  auto session = Session::startRead(rrq({{"tsize", "0"}}),
                                    std::make_unique<MemorySource>(pattern(10)), 10, {}, t0);
  session->onPacket(bytesOf(ErrorPacket{8, "tsize probe"}), t0 + 5ms);
  CHECK(session->finished());
  CHECK(session->outcome() == Outcome::PeerError);
  CHECK(session->outbox().empty());
  CHECK(session->detail() == "code 8: tsize probe");
}

TEST_CASE("netascii RRQ converts LF and CR across block boundaries", "[tftpd][session]") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += (i % 3 == 0) ? "line\n" : "cr\rx";
  std::vector<std::uint8_t> file(text.begin(), text.end());
  auto session = Session::startRead(rrq({{"blksize", "9"}}, "netascii"),
                                    std::make_unique<MemorySource>(file), file.size(), {}, t0);
  ack(*session, 0, t0);
  auto wire = drain(*session, t0);
  std::string expected;
  for (char c : text) {
    if (c == '\n') expected += "\r\n";
    else if (c == '\r') expected += std::string("\r\0", 2);
    else expected += c;
  }
  CHECK(std::string(wire.begin(), wire.end()) == expected);
}

TEST_CASE("windowsize: a window at once, partial ACK resends from the first unacked block",
          "[tftpd][session]") {
  const auto file = pattern(512 * 10 + 3);
  auto session = Session::startRead(rrq({{"windowsize", "4"}}),
                                    std::make_unique<MemorySource>(file), file.size(), {}, t0);
  ack(*session, 0, t0);
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{1, 2, 3, 4});
  ack(*session, 2, t0 + 1ms);  // 3 was lost; the client says so by acknowledging 2
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{3, 4, 5, 6});
  ack(*session, 2, t0 + 2ms);  // duplicate: nothing
  CHECK(session->outbox().empty());
  session->onTimeout(t0 + 1ms + 1s);  // all of that window lost: resend it whole
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{3, 4, 5, 6});
  ack(*session, 6, t0 + 2s);
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{7, 8, 9, 10});
  ack(*session, 10, t0 + 2s);
  CHECK(dataBlocks(*session) == std::vector<std::uint16_t>{11});
  ack(*session, 11, t0 + 2s);
  CHECK(session->outcome() == Outcome::Completed);
  CHECK(session->bytes() == file.size());
}

TEST_CASE("block numbers roll over past 65535 to 0, or to the rollover option's value",
          "[tftpd][session]") {
  for (int rollover : {0, 1}) {
    INFO("rollover " << rollover);
    const std::size_t blocks = 65535 + 5;
    const auto file = pattern(8 * blocks + 1);
    std::vector<Option> options{{"blksize", "8"}};
    if (rollover) options.push_back({"rollover", "1"});
    auto session = Session::startRead(rrq(options), std::make_unique<MemorySource>(file),
                                      file.size(), {}, t0);
    ack(*session, 0, t0);
    std::vector<std::uint16_t> seen;
    std::vector<std::uint8_t> received;
    while (!session->finished()) {
      auto packets = sent(*session);
      REQUIRE(packets.size() == 1);
      const auto& d = std::get<Data>(packets[0]);
      if (seen.size() >= 65533 && seen.size() < 65538) seen.push_back(d.block);
      else seen.push_back(0);
      received.insert(received.end(), d.payload.begin(), d.payload.end());
      ack(*session, d.block, t0);
    }
    CHECK(received == file);
    const auto r = static_cast<std::uint16_t>(rollover);
    CHECK(std::vector<std::uint16_t>(seen.begin() + 65533, seen.begin() + 65538) ==
          std::vector<std::uint16_t>{65534, 65535, r, static_cast<std::uint16_t>(r + 1),
                                     static_cast<std::uint16_t>(r + 2)});
  }
}

TEST_CASE("a read error is reported to the client with strerror's text", "[tftpd][session]") {
  auto session = Session::startRead(rrq(), std::make_unique<MemorySource>(pattern(5000), 600),
                                    5000, {}, t0);
  ack(*session, 1, t0);
  auto packets = sent(*session);
  REQUIRE(packets.size() == 1);
  CHECK(std::get<ErrorPacket>(packets[0]) == ErrorPacket{0, "Input/output error"});
  CHECK(session->outcome() == Outcome::LocalError);
}

TEST_CASE("WRQ: ACK 0, ACK per block, dally for a repeated last block", "[tftpd][session]") {
  std::vector<std::uint8_t> out;
  auto sinkOwner = std::make_unique<MemorySink>(out);
  auto* sink = sinkOwner.get();
  auto session = Session::startWrite(wrq(), std::move(sinkOwner), {}, t0);
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 0);
  const auto file = pattern(1000);
  const std::vector<std::uint8_t> first(file.begin(), file.begin() + 512);
  const std::vector<std::uint8_t> second(file.begin() + 512, file.end());
  data(*session, 1, first, t0 + 1ms);
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 1);
  data(*session, 1, first, t0 + 2ms);  // our ACK 1 was lost
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 1);
  data(*session, 2, second, t0 + 3ms);
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 2);
  CHECK(sink->finished);
  CHECK_FALSE(session->finished());
  data(*session, 2, second, t0 + 4ms);  // final ACK lost
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 2);
  session->onTimeout(t0 + 3ms + 1s);
  CHECK(session->outcome() == Outcome::Completed);
  CHECK(out == file);
}

TEST_CASE("WRQ with options: OACK replaces ACK 0 and is resent on timeout", "[tftpd][session]") {
  std::vector<std::uint8_t> out;
  auto session = Session::startWrite(wrq({{"blksize", "16"}, {"tsize", "20"}}),
                                     std::make_unique<MemorySink>(out), {}, t0);
  CHECK(std::get<OptionAck>(sent(*session).at(0)).options ==
        std::vector<Option>{{"blksize", "16"}, {"tsize", "20"}});
  session->onTimeout(t0 + 1s);
  CHECK(std::holds_alternative<OptionAck>(sent(*session).at(0)));
  data(*session, 1, pattern(16), t0 + 1500ms);
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 1);
  data(*session, 2, std::vector<std::uint8_t>(4, 1), t0 + 1600ms);
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 2);
  CHECK(out.size() == 20);
}

TEST_CASE("WRQ window with reordering: a gap is acknowledged at once", "[tftpd][session]") {
  std::vector<std::uint8_t> out;
  auto session = Session::startWrite(wrq({{"blksize", "8"}, {"windowsize", "4"}}),
                                     std::make_unique<MemorySink>(out), {}, t0);
  auto block = [](int n) { return std::vector<std::uint8_t>(8, static_cast<std::uint8_t>(n)); };
  data(*session, 1, block(1), t0);
  CHECK(session->outbox().empty());  // mid-window: no ACK yet
  data(*session, 3, block(3), t0);   // 2 missing
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 1);
  data(*session, 4, block(4), t0);   // still out of order: no ACK storm
  CHECK(session->outbox().empty());
  data(*session, 2, block(2), t0);
  data(*session, 3, block(3), t0);
  data(*session, 4, block(4), t0);
  CHECK(session->outbox().empty());
  data(*session, 5, block(5), t0);  // fourth in this window
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 5);
  data(*session, 6, {}, t0);
  CHECK(std::get<Ack>(sent(*session).at(0)).block == 6);
  CHECK(out.size() == 40);
  CHECK(out[8] == 2);
}

TEST_CASE("WRQ netascii is converted back to the local form", "[tftpd][session]") {
  std::vector<std::uint8_t> out;
  auto session = Session::startWrite(wrq({{"blksize", "8"}}, "netascii"),
                                     std::make_unique<MemorySink>(out), {}, t0);
  const std::string wire("ab\r\ncd\r\0ef\r", 11);  // the CR LF pair split over the blocks
  data(*session, 1, std::vector<std::uint8_t>(wire.begin(), wire.begin() + 8), t0);
  data(*session, 2, std::vector<std::uint8_t>(wire.begin() + 8, wire.end()), t0);
  CHECK(std::string(out.begin(), out.end()) == "ab\ncd\ref\r");
}

TEST_CASE("WRQ errors: oversized DATA, disk full, client ERROR", "[tftpd][session]") {
  std::vector<std::uint8_t> out;
  auto session = Session::startWrite(wrq(), std::make_unique<MemorySink>(out), {}, t0);
  data(*session, 1, pattern(513), t0);
  CHECK(std::get<ErrorPacket>(sent(*session).at(0)) == ErrorPacket{4, "Data packet too large"});
  CHECK(session->outcome() == Outcome::ProtocolError);

  std::vector<std::uint8_t> small;
  session = Session::startWrite(wrq(), std::make_unique<MemorySink>(small, 600), {}, t0);
  data(*session, 1, pattern(512), t0);
  data(*session, 2, pattern(512), t0);
  CHECK(std::get<ErrorPacket>(sent(*session).at(0)) ==
        ErrorPacket{3, "Disk full or allocation exceeded"});

  session = Session::startWrite(wrq(), std::make_unique<MemorySink>(out), {}, t0);
  session->onPacket(bytesOf(ErrorPacket{0, "cancelled"}), t0);
  CHECK(session->outcome() == Outcome::PeerError);
  CHECK(session->outbox().empty());
}
