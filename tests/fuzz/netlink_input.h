// SPDX-License-Identifier: MIT
// Shared input handling of the netlink dump fuzzers: an nlmsghdr-aligned, exactly-sized copy of the
// datagram, and the sequence number and port id a parser is told to expect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace netprom::fuzz {

/// One fuzz input as a reply datagram. The expected seq and portid are those of the first
/// message header (bytes 8-15), so a captured dump works as a seed unchanged and later messages
/// of the datagram still have to match them.
struct DumpInput {
  std::unique_ptr<std::byte[]> storage;  // operator new[]: aligned for nlmsghdr, ASan-bounded
  std::span<const std::byte> datagram;
  std::uint32_t seq = 0;
  std::uint32_t portid = 0;

  DumpInput(const std::uint8_t* data, std::size_t size) : storage(new std::byte[size + (size == 0)]) {
    if (size != 0) std::memcpy(storage.get(), data, size);
    datagram = {storage.get(), size};
    if (size >= 16) {
      std::memcpy(&seq, data + 8, sizeof seq);
      std::memcpy(&portid, data + 12, sizeof portid);
    }
  }
};

}  // namespace netprom::fuzz
