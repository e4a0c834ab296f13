// Unit tests of the name server's bookkeeping (userland/lib/names): the name table, the
// registrant table, the waiting lookups and the probe index under them. Pure logic, no
// kernel: the .cc files are compiled into this test.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "name_table.h"
#include "registrants.h"
#include "waiters.h"

namespace {

using harbor::names::Kind;
using harbor::names::kMaxNames;
using harbor::names::kNoEntry;
using harbor::names::kOsOwned;
using harbor::names::NameTable;

// The tables are about a megabyte: on the heap, zeroed like the server's static ones.
std::unique_ptr<NameTable> fresh_table() { return std::make_unique<NameTable>(); }

uint32_t add(NameTable& t, const std::string& name, hb_handle_t handle = 7, uint16_t owner = 3) {
  return t.add(name.data(), static_cast<uint32_t>(name.size()), Kind::Registered, owner, handle,
               HB_INVALID, HB_OBJ_PORT, HB_RIGHT_SEND);
}
uint32_t find(const NameTable& t, const std::string& name) {
  return t.find(name.data(), static_cast<uint32_t>(name.size()));
}

TEST(NameTableTest, FindsWhatWasAddedWithItsFields) {
  auto t = fresh_table();
  uint32_t echo = add(*t, "echo", 0x10005, 4);
  ASSERT_NE(echo, kNoEntry);
  EXPECT_EQ(find(*t, "echo"), echo);
  const auto& e = t->at(echo);
  EXPECT_STREQ(e.name, "echo");
  EXPECT_EQ(e.length, 4u);
  EXPECT_EQ(e.handle, 0x10005);
  EXPECT_EQ(e.owner, 4);
  EXPECT_EQ(e.kind, Kind::Registered);
  EXPECT_EQ(t->size(), 1u);
}

TEST(NameTableTest, NamesDifferingInOneByteOrInLengthAreDifferentNames) {
  auto t = fresh_table();
  uint32_t a = add(*t, "abc");
  EXPECT_EQ(find(*t, "abd"), kNoEntry);
  EXPECT_EQ(find(*t, "ab"), kNoEntry);
  EXPECT_EQ(find(*t, "abcd"), kNoEntry);
  EXPECT_EQ(find(*t, "ABC"), kNoEntry);  // case matters
  uint32_t b = add(*t, "ab");
  EXPECT_NE(a, b);
  EXPECT_EQ(find(*t, "abc"), a);
  EXPECT_EQ(find(*t, "ab"), b);
}

TEST(NameTableTest, RemovedNamesAreGoneAndTheirRecordsReused) {
  auto t = fresh_table();
  uint32_t a = add(*t, "a");
  add(*t, "b");
  t->remove(a);
  EXPECT_EQ(find(*t, "a"), kNoEntry);
  EXPECT_NE(find(*t, "b"), kNoEntry);
  EXPECT_EQ(t->size(), 1u);
  EXPECT_EQ(add(*t, "c"), a);  // the freed record first
  t->remove(a);
  t->remove(a);  // twice: nothing happens
  EXPECT_EQ(t->size(), 1u);
}

TEST(NameTableTest, RejectsEmptyAndTooLongNames) {
  auto t = fresh_table();
  EXPECT_EQ(add(*t, ""), kNoEntry);
  EXPECT_EQ(add(*t, std::string(64, 'x')), kNoEntry);
  EXPECT_NE(add(*t, std::string(63, 'x')), kNoEntry);
  EXPECT_NE(find(*t, std::string(63, 'x')), kNoEntry);
}

TEST(NameTableTest, HoldsExactlyMaxNamesAndRefusesTheNext) {
  auto t = fresh_table();
  char name[32];
  for (uint32_t i = 0; i < kMaxNames; ++i) {
    std::snprintf(name, sizeof name, "n%u", i);
    ASSERT_NE(add(*t, name), kNoEntry) << "name " << i;
  }
  EXPECT_EQ(t->size(), kMaxNames);
  EXPECT_EQ(add(*t, "one.more"), kNoEntry);
  for (uint32_t i = 0; i < kMaxNames; ++i) {
    std::snprintf(name, sizeof name, "n%u", i);
    ASSERT_NE(find(*t, name), kNoEntry) << "name " << i << " lost in a full table";
  }
  t->remove(find(*t, "n77"));
  EXPECT_NE(add(*t, "one.more"), kNoEntry);
}

// The index shifts records back on removal (no tombstones): after any sequence of adds and
// removes, exactly the names a reference set holds are found. Seeded: the seed is printed.
TEST(NameTableTest, AgreesWithAReferenceSetUnderRandomAddsAndRemoves) {
  auto t = fresh_table();
  uint32_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::set<std::string> reference;
  std::vector<std::string> pool;
  for (int i = 0; i < 3000; ++i) pool.push_back("svc." + std::to_string(i * 7919 % 100003));
  for (int step = 0; step < 60000; ++step) {
    const std::string& name = pool[random() % pool.size()];
    uint32_t found = find(*t, name);
    ASSERT_EQ(found != kNoEntry, reference.count(name) == 1) << name << " at step " << step;
    if (found == kNoEntry) {
      ASSERT_NE(add(*t, name), kNoEntry);
      reference.insert(name);
    } else {
      ASSERT_STREQ(t->at(found).name, name.c_str());
      t->remove(found);
      reference.erase(name);
    }
  }
  EXPECT_EQ(t->size(), reference.size());
  for (const std::string& name : pool)
    EXPECT_EQ(find(*t, name) != kNoEntry, reference.count(name) == 1) << name;
}

// Names that all land in one run of the index (the same home slot) are still each found,
// and removing one in the middle leaves the others reachable.
TEST(ProbeIndexTest, ACollidingRunSurvivesRemovalFromItsMiddle) {
  harbor::names::ProbeIndex<16> index{};
  uint32_t hashes[6] = {3, 3, 3, 4, 3, 15};
  for (uint32_t r = 0; r < 6; ++r) index.insert(hashes[r], r);
  auto hash_of = [&](uint32_t r) { return hashes[r]; };
  auto slot_of = [&](uint32_t r) { return index.find(hashes[r], [&](uint32_t x) { return x == r; }); };
  index.erase(slot_of(1), hash_of);
  EXPECT_EQ(slot_of(1), index.kNotFound);
  for (uint32_t r : {0u, 2u, 3u, 4u, 5u}) EXPECT_NE(slot_of(r), index.kNotFound) << "record " << r;
}

TEST(ProbeIndexTest, ARunThatWrapsAroundTheEndIsStillFound) {
  harbor::names::ProbeIndex<8> index{};
  uint32_t hashes[4] = {7, 7, 7, 0};
  for (uint32_t r = 0; r < 4; ++r) index.insert(hashes[r], r);
  auto slot_of = [&](uint32_t r) { return index.find(hashes[r], [&](uint32_t x) { return x == r; }); };
  index.erase(slot_of(0), [&](uint32_t r) { return hashes[r]; });
  for (uint32_t r : {1u, 2u, 3u}) EXPECT_NE(slot_of(r), index.kNotFound) << "record " << r;
}

// ---- registrants -------------------------------------------------------------------------

using harbor::names::kMaxRegistrants;
using harbor::names::kNoRegistrant;
using harbor::names::Registrants;

TEST(RegistrantsTest, FindsATaskByIdAndForgetsIt) {
  auto r = std::make_unique<Registrants>();
  uint16_t a = r->add(12, 0x30003);
  uint16_t b = r->add(13, 0x30004);
  EXPECT_EQ(r->find(12), a);
  EXPECT_EQ(r->find(13), b);
  EXPECT_EQ(r->find(14), kNoRegistrant);
  EXPECT_EQ(r->at(a).lifeline, 0x30003);
  EXPECT_EQ(r->at(a).names, 0u);
  r->remove(a);
  EXPECT_EQ(r->find(12), kNoRegistrant);
  EXPECT_EQ(r->find(13), b);
  EXPECT_EQ(r->size(), 1u);
}

TEST(RegistrantsTest, HoldsMaxRegistrantsThenRefuses) {
  auto r = std::make_unique<Registrants>();
  for (uint64_t task = 1; task <= kMaxRegistrants; ++task)
    ASSERT_NE(r->add(task, static_cast<hb_handle_t>(task)), kNoRegistrant);
  EXPECT_EQ(r->add(99999, 5), kNoRegistrant);
  for (uint64_t task = 1; task <= kMaxRegistrants; ++task)
    ASSERT_EQ(r->at(r->find(task)).task, task);
  r->remove(r->find(500));
  EXPECT_NE(r->add(99999, 5), kNoRegistrant);
}

// ---- waiters -------------------------------------------------------------------------------

using harbor::names::deadline_after;
using harbor::names::kMaxWaiters;
using harbor::names::kNoDeadline;
using harbor::names::Waiters;

TEST(WaitersTest, EarliestDeadlineIsTheSmallestAndNoneWhenEmpty) {
  auto w = std::make_unique<Waiters>();
  EXPECT_EQ(w->earliest(), kNoDeadline);
  harbor::names::Waiter* a = w->add("a", 1, 1, HB_RIGHTS_SAME, 5, 300);
  w->add("b", 1, 2, HB_RIGHTS_SAME, 6, kNoDeadline);
  w->add("c", 1, 3, HB_RIGHTS_SAME, 7, 200);
  EXPECT_EQ(w->earliest(), 200u);
  EXPECT_EQ(w->size(), 3u);
  w->remove(*a);
  w->remove(*a);
  EXPECT_EQ(w->size(), 2u);
}

TEST(WaitersTest, RefusesTheWaiterBeyondCapacity) {
  auto w = std::make_unique<Waiters>();
  for (uint32_t i = 0; i < kMaxWaiters; ++i) ASSERT_NE(w->add("x", 1, 0, 0, 9, 1), nullptr);
  EXPECT_EQ(w->add("x", 1, 0, 0, 9, 1), nullptr);
}

TEST(WaitersTest, DeadlinesNeverWrap) {
  EXPECT_EQ(deadline_after(100, 50), 150u);
  EXPECT_EQ(deadline_after(100, HB_FOREVER), kNoDeadline);
  EXPECT_EQ(deadline_after(100, HB_FOREVER - 10), kNoDeadline);  // would pass the end of time
  EXPECT_EQ(deadline_after(0, 0), 0u);
}

}  // namespace
