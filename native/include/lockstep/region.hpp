// region.hpp — the one block of memory an engine takes at start-up.
//
// Region::reserve maps anonymous memory once (mmap(2)), on huge pages
// where the system has them, optionally bound to a NUMA node, and touches
// every page before it returns, so the hot path takes neither a page fault
// nor a malloc: Arena and BlockPool carve it up. Huge pages, best first:
// explicit (MAP_HUGETLB, from the kernel's reserved pool: vm.nr_hugepages),
// then transparent (madvise(MADV_HUGEPAGE), when THP is "always" or
// "madvise"), then normal pages. HugePages::kRequire fails rather than fall
// back; kNever asks for normal pages. The region says which it got.
//
//   lockstep::Region r = lockstep::Region::reserve({.bytes = 256 << 20});
//   std::printf("%s\n", lockstep::page_kind_name(r.pages()));  // "transparent"
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "lockstep/topology.hpp"

namespace lockstep {

enum class HugePages : std::uint8_t { kNever, kAuto, kRequire };
enum class PageKind : std::uint8_t { kNormal, kTransparent, kExplicit };

inline const char* page_kind_name(PageKind kind) noexcept {
  switch (kind) {
  case PageKind::kExplicit:
    return "explicit";
  case PageKind::kTransparent:
    return "transparent";
  case PageKind::kNormal:
    break;
  }
  return "normal";
}

struct RegionOptions {
  std::size_t bytes = 0; // rounded up to whole pages (2 MiB on huge pages)
  HugePages huge_pages = HugePages::kAuto;
  bool prefault = true; // touch every page now, not on the hot path
  int node = -1;        // bind to this NUMA node; -1: the kernel's choice
};

class Region {
public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  // Throws std::invalid_argument for a size of 0 or a node the kernel does
  // not have, std::system_error when the memory cannot be had (or, with
  // kRequire, not on explicit huge pages).
  static Region reserve(const RegionOptions& options) {
    if (options.bytes == 0)
      throw std::invalid_argument("Region: the size must be at least 1 byte");
    Region r;
    if (options.huge_pages != HugePages::kNever) r.map_explicit(options.bytes);
    if (r.data_ == nullptr && options.huge_pages == HugePages::kRequire)
      throw std::system_error(ENOMEM, std::generic_category(),
                              "Region: no explicit huge pages for " +
                                  std::to_string(options.bytes) +
                                  " bytes (vm.nr_hugepages reserves them)");
    if (r.data_ == nullptr)
      r.map_normal(options.bytes, options.huge_pages == HugePages::kAuto);
    if (options.node >= 0)
      r.binding_ = bind_memory_to_node(r.data_, r.size_, options.node);
    else
      r.binding_ = "not asked";
    if (options.prefault) r.touch();
    return r;
  }

  Region() noexcept = default;
  Region(Region&& other) noexcept { *this = std::move(other); }
  Region& operator=(Region&& other) noexcept {
    if (this != &other) {
      unmap();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      pages_ = other.pages_;
      binding_ = std::move(other.binding_);
    }
    return *this;
  }
  ~Region() { unmap(); }

  std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  PageKind pages() const noexcept { return pages_; }
  // "" when bound to the node asked for; "not asked"; else why not.
  const std::string& binding() const noexcept { return binding_; }

private:
  static std::size_t round_up(std::size_t n, std::size_t unit) {
    if (n > SIZE_MAX - unit)
      throw std::system_error(ENOMEM, std::generic_category(),
                              "Region: size too large");
    return (n + unit - 1) / unit * unit;
  }

  void map_explicit(std::size_t bytes) {
    const std::size_t size = round_up(bytes, kHugePage);
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    if (p == MAP_FAILED) return; // none reserved: the usual case
    data_ = static_cast<std::byte*>(p);
    size_ = size;
    pages_ = PageKind::kExplicit;
  }

  void map_normal(std::size_t bytes, bool want_huge) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const bool huge = want_huge && bytes >= kHugePage && thp_available();
    std::size_t size = round_up(bytes, huge ? kHugePage : page);
    // THP backs only 2 MiB-aligned ranges: map a huge page more and skip
    // to the first boundary.
    const std::size_t mapped = huge ? size + kHugePage : size;
    void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      throw std::system_error(errno, std::generic_category(),
                              "Region: mmap of " + std::to_string(mapped) +
                                  " bytes");
    auto* start = static_cast<std::byte*>(p);
    if (huge) {
      const auto at = reinterpret_cast<std::uintptr_t>(start);
      const std::size_t lead = (kHugePage - at % kHugePage) % kHugePage;
      if (lead != 0) ::munmap(start, lead);
      if (kHugePage - lead != 0)
        ::munmap(start + lead + size, kHugePage - lead);
      start += lead;
    }
    data_ = start;
    size_ = size;
    pages_ = PageKind::kNormal;
    if (huge && ::madvise(data_, size_, MADV_HUGEPAGE) == 0)
      pages_ = PageKind::kTransparent;
  }

  // Whether transparent huge pages may back an madvise'd range.
  static bool thp_available() {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string line;
    std::getline(in, line);
    return line.find("[always]") != std::string::npos ||
           line.find("[madvise]") != std::string::npos;
  }

  // Every small page, huge or not: a transparent huge page may be split.
  void touch() noexcept {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    for (std::size_t at = 0; at < size_; at += page)
      static_cast<volatile std::byte*>(data_)[at] = std::byte{0};
  }

  void unmap() noexcept {
    if (data_ != nullptr) ::munmap(data_, size_);
    data_ = nullptr;
    size_ = 0;
  }

  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  PageKind pages_ = PageKind::kNormal;
  std::string binding_;
};

} // namespace lockstep
