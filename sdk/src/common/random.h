// Private: a cheap per-thread random engine for ids and retry jitter (never
// for workflow code, which uses its seeded deterministic generator).
//
// std::random_device is read once per process (a getrandom call, plus
// locking in some C libraries); each thread's engine is seeded from that seed
// mixed with a per-thread counter, so a new thread costs no system call. The
// engine is created on a thread's first use only.
#pragma once

#include <atomic>
#include <cstdint>
#include <random>

namespace temporal::detail {

inline std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// ThreadRandom returns this thread's engine.
inline std::mt19937_64& ThreadRandom() {
  static const std::uint64_t process_seed = [] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }();
  static std::atomic<std::uint64_t> threads{0};
  thread_local std::mt19937_64 engine{[] {
    const std::uint64_t n = threads.fetch_add(1, std::memory_order_relaxed);
    std::seed_seq seed{process_seed, SplitMix64(process_seed ^ n), n};
    return std::mt19937_64(seed);
  }()};
  return engine;
}

}  // namespace temporal::detail
