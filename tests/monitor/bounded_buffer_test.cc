// The bounded buffer (harbor/bounded_buffer.h) with real task processes (Harbor::testing):
// several producers and consumers, every item exactly once (a per-item tally in a second
// region), free-running and under the deterministic scheduler over seeds; items of any size;
// timeouts; roles; every bad argument. docs/bounded-buffer.md.
#include <gtest/gtest.h>
#include <harbor/bounded_buffer.h>
#include <harbor/monitor.h>
#include <harbor/testing.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using harbor::testing::Machine;
using harbor::testing::Options;
using harbor::testing::Start;

constexpr hb_time_t kMs = 1000000;
constexpr uint32_t kStop = 0xffffffffu;  // a producer number that tells a consumer to end

struct Item {
  uint32_t producer;
  uint32_t seq;
  uint64_t value;
};

uint64_t value_of(uint32_t producer, uint32_t seq) {
  return (uint64_t{producer} << 32 | seq) * 0x9e3779b97f4a7c15ull + 1;
}

std::vector<hb_handle_t> grant(const hb_bounded_buffer_t& b, uint32_t roles) {
  hb_handle_t h[HB_BOUNDED_BUFFER_HANDLES];
  EXPECT_EQ(hb_bounded_buffer_grant(&b, roles, h), HB_OK);
  return std::vector<hb_handle_t>(h, h + HB_BOUNDED_BUFFER_HANDLES);
}

hb_handle_t dup(hb_handle_t h, uint32_t rights) {
  hb_handle_t out = HB_INVALID;
  EXPECT_EQ(hb_handle_dup(h, rights, &out), HB_OK);
  return out;
}

// ---- several producers and consumers, exactly once ---------------------------------------

constexpr uint32_t kProducers = 3, kConsumers = 3, kItems = 250;

// handles: the buffer's four, then the tally region (uint32_t per item, then one uint64_t sum
// per consumer).
int produce(const Start& start, uint32_t me) {
  hb_bounded_buffer_t b{};
  if (hb_bounded_buffer_attach(start.handles.data(), 4, sizeof(Item), &b) != HB_OK) return 2;
  for (uint32_t i = 0; i < kItems; ++i) {
    Item item{me, i, value_of(me, i)};
    if (hb_bounded_buffer_put(&b, &item, HB_FOREVER) != HB_OK) return 3;
  }
  return hb_bounded_buffer_detach(&b) == HB_OK ? 0 : 4;
}

int consume(const Start& start, uint32_t me) {
  hb_bounded_buffer_t b{};
  if (hb_bounded_buffer_attach(start.handles.data(), 4, sizeof(Item), &b) != HB_OK) return 2;
  void* at = nullptr;
  if (hb_region_map(start.handle(4), HB_RIGHT_READ | HB_RIGHT_WRITE, &at) != HB_OK) return 3;
  auto* tally = static_cast<uint32_t*>(at);
  auto* sums = reinterpret_cast<uint64_t*>(tally + kProducers * kItems);
  uint32_t next[kProducers] = {};  // per producer, seqs must rise: the buffer is FIFO
  for (;;) {
    Item item{};
    if (hb_bounded_buffer_get(&b, &item, HB_FOREVER) != HB_OK) return 4;
    if (item.producer == kStop) break;
    if (item.producer >= kProducers || item.seq >= kItems) return 5;
    if (item.value != value_of(item.producer, item.seq)) return 6;
    if (item.seq < next[item.producer]) return 7;
    next[item.producer] = item.seq + 1;
    __atomic_fetch_add(&tally[item.producer * kItems + item.seq], 1u, __ATOMIC_RELAXED);
    sums[me] += item.value;
  }
  return 0;
}

void run_exactly_once(const Options& options) {
  Machine machine(options);
  hb_bounded_buffer_t b{};
  ASSERT_EQ(hb_bounded_buffer_create(sizeof(Item), 4, &b), HB_OK);
  hb_handle_t tally_region = HB_INVALID;
  const uint64_t tally_size = kProducers * kItems * 4 + kConsumers * 8;
  ASSERT_EQ(hb_region_create(tally_size, 0, &tally_region), HB_OK);
  const uint32_t rw = HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | HB_RIGHT_TRANSFER;

  std::vector<hb_task_id_t> producers, consumers;
  for (uint32_t c = 0; c < kConsumers; ++c) {
    std::vector<hb_handle_t> h = grant(b, HB_BOUNDED_BUFFER_CONSUMER);
    h.push_back(dup(tally_region, rw));
    consumers.push_back(machine.spawn([c](const Start& s) { return consume(s, c); }, h,
                                      "consumer" + std::to_string(c)));
  }
  for (uint32_t p = 0; p < kProducers; ++p)
    producers.push_back(machine.spawn([p](const Start& s) { return produce(s, p); },
                                      grant(b, HB_BOUNDED_BUFFER_PRODUCER),
                                      "producer" + std::to_string(p)));
  for (hb_task_id_t id : producers) EXPECT_EQ(machine.wait(id), 0);
  for (uint32_t c = 0; c < kConsumers; ++c) {  // one stop item per consumer
    Item stop{kStop, 0, 0};
    ASSERT_EQ(hb_bounded_buffer_put(&b, &stop, HB_FOREVER), HB_OK);
  }
  for (hb_task_id_t id : consumers) EXPECT_EQ(machine.wait(id), 0);

  void* at = nullptr;
  ASSERT_EQ(hb_region_map(tally_region, HB_RIGHT_READ, &at), HB_OK);
  const auto* tally = static_cast<const uint32_t*>(at);
  const auto* sums = reinterpret_cast<const uint64_t*>(tally + kProducers * kItems);
  uint32_t wrong = 0;
  for (uint32_t i = 0; i < kProducers * kItems; ++i)
    if (tally[i] != 1 && wrong++ < 5)
      ADD_FAILURE() << "item " << i % kItems << " of producer " << i / kItems << " consumed "
                    << tally[i] << " times";
  EXPECT_EQ(wrong, 0u) << "items not consumed exactly once";
  uint64_t expected = 0, got = 0;
  for (uint32_t p = 0; p < kProducers; ++p)
    for (uint32_t i = 0; i < kItems; ++i) expected += value_of(p, i);
  for (uint32_t c = 0; c < kConsumers; ++c) got += sums[c];
  EXPECT_EQ(got, expected) << "checksum of the values consumed";
  Item left{};
  EXPECT_EQ(hb_bounded_buffer_get(&b, &left, HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "ends empty";
  EXPECT_EQ(hb_region_unmap(at), HB_OK);
  hb_handle_close(tally_region);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
}

class BoundedBufferExactlyOnce : public ::testing::TestWithParam<uint64_t> {};

TEST_P(BoundedBufferExactlyOnce, ThreeProducersThreeConsumersEveryItemOnce) {
  Options options;
  options.deterministic = GetParam() != 0;
  options.seed = GetParam();
  options.cores = 2;
  run_exactly_once(options);
}

INSTANTIATE_TEST_SUITE_P(FreeRunningAndSeeds, BoundedBufferExactlyOnce,
                         ::testing::Values(0u, 1u, 2u, 3u, 4u, 5u, 11u, 42u),
                         [](const auto& info) {
                           return info.param == 0 ? std::string("FreeRunning")
                                                  : "Seed" + std::to_string(info.param);
                         });

// ---- items of any size, in order ----------------------------------------------------------

TEST(BoundedBuffer, ItemsOfAnySizeArriveWholeAndInOrder) {
  Machine machine;
  for (uint32_t size : {1u, 3u, 8u, 100u, 4096u, 5000u, HB_BOUNDED_BUFFER_ITEM_MAX}) {
    SCOPED_TRACE("item size " + std::to_string(size));
    hb_bounded_buffer_t b{};
    ASSERT_EQ(hb_bounded_buffer_create(size, 3, &b), HB_OK);
    const uint32_t items = 10;
    hb_task_id_t producer = machine.spawn([size](const Start& s) {
      hb_bounded_buffer_t pb{};
      if (hb_bounded_buffer_attach(s.handles.data(), 4, size, &pb) != HB_OK) return 2;
      std::vector<uint8_t> item(size);
      for (uint32_t i = 0; i < items; ++i) {
        for (uint32_t k = 0; k < size; ++k) item[k] = static_cast<uint8_t>(i * 31 + k);
        if (hb_bounded_buffer_put(&pb, item.data(), HB_FOREVER) != HB_OK) return 3;
      }
      return 0;
    }, grant(b, HB_BOUNDED_BUFFER_PRODUCER), "producer");
    std::vector<uint8_t> got(size);
    for (uint32_t i = 0; i < items; ++i) {
      ASSERT_EQ(hb_bounded_buffer_get(&b, got.data(), 5000 * kMs), HB_OK);
      for (uint32_t k = 0; k < size; ++k)
        ASSERT_EQ(got[k], static_cast<uint8_t>(i * 31 + k)) << "item " << i << " byte " << k;
    }
    EXPECT_EQ(machine.wait(producer), 0);
    EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
  }
}

// ---- timeouts and roles -------------------------------------------------------------------

TEST(BoundedBuffer, TimeoutsChangeNothing) {
  Machine machine;
  hb_bounded_buffer_t b{};
  ASSERT_EQ(hb_bounded_buffer_create(sizeof(uint64_t), 3, &b), HB_OK);
  uint64_t v = 0;
  EXPECT_EQ(hb_bounded_buffer_get(&b, &v, 10 * kMs), HB_ERR_TIMED_OUT) << "empty";
  EXPECT_EQ(hb_bounded_buffer_get(&b, &v, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  for (uint64_t i = 1; i <= 3; ++i) ASSERT_EQ(hb_bounded_buffer_put(&b, &i, HB_NOWAIT), HB_OK);
  uint64_t extra = 99;
  EXPECT_EQ(hb_bounded_buffer_put(&b, &extra, 10 * kMs), HB_ERR_TIMED_OUT) << "full";
  EXPECT_EQ(hb_bounded_buffer_put(&b, &extra, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  for (uint64_t i = 1; i <= 3; ++i) {
    ASSERT_EQ(hb_bounded_buffer_get(&b, &v, HB_NOWAIT), HB_OK);
    EXPECT_EQ(v, i) << "the failed puts left no trace";
  }
  EXPECT_EQ(hb_bounded_buffer_get(&b, &v, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
}

TEST(BoundedBuffer, ARoleHoldsOnlyTheRightsItNeeds) {
  Machine machine;
  hb_bounded_buffer_t b{};
  ASSERT_EQ(hb_bounded_buffer_create(sizeof(uint64_t), 2, &b), HB_OK);
  hb_task_id_t consumer = machine.spawn([](const Start& s) {
    hb_bounded_buffer_t cb{};
    if (hb_bounded_buffer_attach(s.handles.data(), 4, 8, &cb) != HB_OK) return 2;
    uint64_t v = 5;
    if (hb_bounded_buffer_put(&cb, &v, HB_NOWAIT) != HB_ERR_ACCESS) return 3;
    if (hb_bounded_buffer_get(&cb, &v, HB_FOREVER) != HB_OK || v != 7) return 4;
    return 0;
  }, grant(b, HB_BOUNDED_BUFFER_CONSUMER), "consumer");
  hb_task_id_t producer = machine.spawn([](const Start& s) {
    hb_bounded_buffer_t pb{};
    if (hb_bounded_buffer_attach(s.handles.data(), 4, 8, &pb) != HB_OK) return 2;
    uint64_t v = 7;
    if (hb_bounded_buffer_get(&pb, &v, HB_NOWAIT) != HB_ERR_ACCESS) return 3;
    return hb_bounded_buffer_put(&pb, &v, HB_FOREVER) == HB_OK ? 0 : 4;
  }, grant(b, HB_BOUNDED_BUFFER_PRODUCER), "producer");
  EXPECT_EQ(machine.wait(producer), 0);
  EXPECT_EQ(machine.wait(consumer), 0);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
}

// A region and semaphores made by someone else (as a scenario file makes them): the
// consumer attaches while the region is still zero, the producer formats it, items flow.
TEST(BoundedBuffer, FormatMakesABufferOfObjectsMadeElsewhere) {
  Machine machine;
  hb_handle_t h[4];
  ASSERT_EQ(hb_region_create(4096, 0, &h[0]), HB_OK);
  ASSERT_EQ(hb_sem_create(8, 8, &h[1]), HB_OK);
  ASSERT_EQ(hb_sem_create(0, 8, &h[2]), HB_OK);
  ASSERT_EQ(hb_sem_create(1, 1, &h[3]), HB_OK);
  auto copies = [&h] {
    std::vector<hb_handle_t> c;
    for (hb_handle_t x : h) c.push_back(dup(x, HB_RIGHTS_SAME));
    return c;
  };
  hb_task_id_t consumer = machine.spawn([](const Start& s) {
    hb_bounded_buffer_t cb{};
    if (hb_bounded_buffer_attach(s.handles.data(), 4, 8, &cb) != HB_OK) return 2;
    for (uint64_t i = 0; i < 100; ++i) {
      uint64_t v = 0;
      if (hb_bounded_buffer_get(&cb, &v, HB_FOREVER) != HB_OK || v != i * i) return 3;
    }
    return 0;
  }, copies(), "consumer");
  hb_bounded_buffer_t b{};
  ASSERT_EQ(hb_bounded_buffer_format(h, 4, 8, 8, &b), HB_OK);
  hb_bounded_buffer_t again{};
  std::vector<hb_handle_t> more = copies();
  EXPECT_EQ(hb_bounded_buffer_format(more.data(), 4, 8, 8, &again), HB_ERR_ALREADY_EXISTS);
  EXPECT_EQ(hb_bounded_buffer_attach(more.data(), 4, 16, &again), HB_ERR_INVALID_ARG)
      << "items of another size";
  for (uint64_t i = 0; i < 100; ++i) {
    uint64_t v = i * i;
    ASSERT_EQ(hb_bounded_buffer_put(&b, &v, HB_FOREVER), HB_OK);
  }
  EXPECT_EQ(machine.wait(consumer), 0);
  for (hb_handle_t x : more) hb_handle_close(x);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
}

// ---- bad arguments ------------------------------------------------------------------------

TEST(BoundedBufferErrors, SizesOutOfRangeAndNullAreInvalid) {
  Machine machine;
  hb_bounded_buffer_t b{};
  EXPECT_EQ(hb_bounded_buffer_size(0, 4), 0u);
  EXPECT_EQ(hb_bounded_buffer_size(8, 0), 0u);
  EXPECT_EQ(hb_bounded_buffer_size(HB_BOUNDED_BUFFER_ITEM_MAX + 1, 4), 0u);
  EXPECT_EQ(hb_bounded_buffer_size(8, HB_BOUNDED_BUFFER_SLOTS_MAX + 1), 0u);
  EXPECT_EQ(hb_bounded_buffer_size(8, 4), HB_BOUNDED_BUFFER_HEADER + 32u);
  EXPECT_EQ(hb_bounded_buffer_create(0, 4, &b), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_create(8, 0, &b), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_create(8, HB_BOUNDED_BUFFER_SLOTS_MAX + 1, &b), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_create(8, 4, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(b.shared, nullptr);
  ASSERT_EQ(hb_bounded_buffer_create(8, 4, &b), HB_OK);
  uint64_t v = 0;
  EXPECT_EQ(hb_bounded_buffer_put(&b, nullptr, HB_NOWAIT), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_get(&b, nullptr, HB_NOWAIT), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_put(nullptr, &v, HB_NOWAIT), HB_ERR_INVALID_ARG);
  hb_handle_t h[4];
  EXPECT_EQ(hb_bounded_buffer_grant(&b, 0, h), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_grant(&b, 4, h), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_grant(&b, HB_BOUNDED_BUFFER_PRODUCER, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_put(&b, &v, HB_NOWAIT), HB_ERR_INVALID_ARG) << "detached";
}

TEST(BoundedBufferErrors, AttachChecksHandlesAndRegionAndLeavesThemTheCallers) {
  Machine machine;
  hb_bounded_buffer_t b{}, other{};
  ASSERT_EQ(hb_bounded_buffer_create(8, 4, &b), HB_OK);
  std::vector<hb_handle_t> h = grant(b, HB_BOUNDED_BUFFER_PRODUCER | HB_BOUNDED_BUFFER_CONSUMER);
  EXPECT_EQ(hb_bounded_buffer_attach(nullptr, 4, 8, &other), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_attach(h.data(), 3, 8, &other), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_attach(h.data(), 4, 0, &other), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_bounded_buffer_attach(h.data(), 4, 16, &other), HB_ERR_INVALID_ARG)
      << "items of 8 bytes, not 16";
  std::vector<hb_handle_t> bad = h;
  bad[3] = 0x7777;
  EXPECT_EQ(hb_bounded_buffer_attach(bad.data(), 4, 8, &other), HB_ERR_BAD_HANDLE);
  bad = h;
  std::swap(bad[0], bad[1]);
  EXPECT_EQ(hb_bounded_buffer_attach(bad.data(), 4, 8, &other), HB_ERR_WRONG_TYPE);
  // A monitor's region is no bounded buffer.
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(1, 1, 0, &m), HB_OK);
  bad = h;
  bad[0] = m.region;
  EXPECT_EQ(hb_bounded_buffer_attach(bad.data(), 4, 8, &other), HB_ERR_INVALID_ARG);
  hb_handle_t read_only = dup(b.region, HB_RIGHT_READ | HB_RIGHT_MAP);
  bad = h;
  bad[0] = read_only;
  EXPECT_EQ(hb_bounded_buffer_attach(bad.data(), 4, 8, &other), HB_ERR_ACCESS);
  EXPECT_EQ(other.shared, nullptr);
  for (hb_handle_t x : h) {
    hb_handle_info_t info{};
    EXPECT_EQ(hb_handle_info(x, &info), HB_OK) << "still the caller's";
  }
  ASSERT_EQ(hb_bounded_buffer_attach(h.data(), 4, 8, &other), HB_OK);
  EXPECT_EQ(hb_bounded_buffer_detach(&other), HB_OK);
  hb_handle_close(read_only);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
  EXPECT_EQ(hb_bounded_buffer_detach(&b), HB_OK);
}

}  // namespace
