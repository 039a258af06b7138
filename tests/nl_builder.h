// SPDX-License-Identifier: MIT
// Builds netlink datagrams field by field in tests (the idea of iproute2's generate_nlmsg.c),
// so that each test says which header and attribute it sends instead of carrying a blob.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace netprom::testing {

/// Appends netlink messages to one datagram buffer with the kernel's alignment rules:
/// headers and attributes padded to 4 bytes, nlmsg_len and nla_len covering the unpadded
/// content plus, for nlmsg_len, the padding of the attributes inside (as nlmsg_end() does).
/// The buffer is heap-allocated to its exact size when read through copy(), so AddressSanitizer
/// notices any read past the end.
class NlBuilder {
 public:
  /// Starts a message; the previous one, if any, must have been ended.
  NlBuilder& begin(std::uint16_t type, std::uint16_t flags, std::uint32_t seq, std::uint32_t pid) {
    start_ = bytes_.size();
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = flags;
    header.nlmsg_seq = seq;
    header.nlmsg_pid = pid;
    append_padded(&header, sizeof header);
    return *this;
  }

  /// Appends a fixed family header (ifinfomsg, rtmsg, an int error code) or any raw bytes,
  /// padded to 4.
  template <typename T>
  NlBuilder& put(const T& value) {
    append_padded(&value, sizeof value);
    return *this;
  }

  /// Appends one attribute with `payload` as its content.
  NlBuilder& attr(std::uint16_t type, std::span<const std::byte> payload) {
    std::vector<std::byte> encoded = encode_attr(type, payload);
    bytes_.insert(bytes_.end(), encoded.begin(), encoded.end());
    return *this;
  }

  /// Appends one attribute whose content is the bytes of `value`.
  template <typename T>
  NlBuilder& attr_value(std::uint16_t type, const T& value) {
    return attr(type, std::as_bytes(std::span(&value, 1)));
  }

  /// Appends one attribute holding `text` and its terminating NUL (IFLA_IFNAME style).
  NlBuilder& attr_string(std::uint16_t type, std::string_view text) {
    std::vector<std::byte> payload(text.size() + 1);
    std::memcpy(payload.data(), text.data(), text.size());
    return attr(type, payload);
  }

  /// Opens a nested attribute (mnl_attr_nest_start): the attributes appended until the
  /// matching end_nest() become its payload. Nests may be nested.
  NlBuilder& begin_nest(std::uint16_t type) {
    nests_.push_back(bytes_.size());
    nlattr header{};
    header.nla_type = static_cast<std::uint16_t>(type | NLA_F_NESTED);
    append_padded(&header, sizeof header);
    return *this;
  }

  /// Closes the innermost open nest: its nla_len covers everything appended since
  /// begin_nest() (attributes are padded, so this is already aligned).
  NlBuilder& end_nest() {
    BOOST_REQUIRE(!nests_.empty());
    std::size_t start = nests_.back();
    nests_.pop_back();
    auto length = static_cast<std::uint16_t>(bytes_.size() - start);
    std::memcpy(bytes_.data() + start + offsetof(nlattr, nla_len), &length, sizeof length);
    return *this;
  }

  /// Ends the current message: its nlmsg_len becomes everything appended since begin().
  NlBuilder& end() { return end_with_length(static_cast<std::uint32_t>(bytes_.size() - start_)); }

  /// Ends the current message with a chosen (possibly lying) nlmsg_len.
  NlBuilder& end_with_length(std::uint32_t length) {
    std::memcpy(bytes_.data() + start_ + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
    return *this;
  }

  /// A whole message of the given type with just an int payload (NLMSG_ERROR, NLMSG_DONE).
  NlBuilder& control(std::uint16_t type, int error, std::uint32_t seq, std::uint32_t pid) {
    begin(type, NLM_F_MULTI, seq, pid);
    if (type == NLMSG_ERROR) {
      nlmsgerr payload{};
      payload.error = error;
      put(payload);
    } else {
      put(error);
    }
    return end();
  }

  /// Drops the last `count` bytes, to make cut datagrams.
  NlBuilder& chop(std::size_t count) {
    bytes_.resize(bytes_.size() - count);
    return *this;
  }

  /// Overwrites bytes at `offset` from the start of the datagram.
  template <typename T>
  NlBuilder& patch(std::size_t offset, const T& value) {
    std::memcpy(bytes_.data() + offset, &value, sizeof value);
    return *this;
  }

  std::size_t size() const { return bytes_.size(); }

  /// The datagram, copied into a buffer of exactly its size.
  std::vector<std::byte> copy() const { return bytes_; }

  /// One attribute, encoded: header, payload, padding to 4 (for nesting, e.g. nexthops).
  static std::vector<std::byte> encode_attr(std::uint16_t type, std::span<const std::byte> payload) {
    nlattr header{};
    header.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + payload.size());
    header.nla_type = type;
    std::vector<std::byte> out(NLA_ALIGN(NLA_HDRLEN + payload.size()));
    std::memcpy(out.data(), &header, sizeof header);
    if (!payload.empty()) std::memcpy(out.data() + NLA_HDRLEN, payload.data(), payload.size());
    return out;
  }

 private:
  void append_padded(const void* data, std::size_t size) {
    std::size_t at = bytes_.size();
    bytes_.resize(at + NLMSG_ALIGN(size));
    std::memcpy(bytes_.data() + at, data, size);
  }

  std::vector<std::byte> bytes_;
  std::size_t start_ = 0;
  std::vector<std::size_t> nests_;  ///< offsets of the open nests' headers
};

/// Checks that `call` throws std::system_error with exactly this errno and this what().
template <typename Call>
void check_system_error(Call call, int expected_errno, std::string_view expected_message) {
  try {
    call();
  } catch (const std::system_error& error) {
    BOOST_TEST(error.code().value() == expected_errno);
    BOOST_TEST(std::string(error.what()) == expected_message);
    return;
  }
  BOOST_ERROR("no std::system_error thrown");
}

}  // namespace netprom::testing
