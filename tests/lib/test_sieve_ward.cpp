// Ward linkage and silhouette (docs/theory.md sec. 7) against hand-computed merges and values.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/silhouette.hpp"
#include "neuroncert/core/ward.hpp"

using namespace neuroncert;

namespace {
Eigen::MatrixXd line(std::vector<double> xs) {
  Eigen::MatrixXd p(static_cast<Eigen::Index>(xs.size()), 1);
  for (std::size_t i = 0; i < xs.size(); ++i) p(static_cast<Eigen::Index>(i), 0) = xs[i];
  return p;
}
}  // namespace

TEST_CASE("Ward merges of 5 points on a line match the hand computation", "[sieve][ward]") {
  // Points 0, 1, 3, 7, 8 (ids 0..4). Squared distances d2 between singletons = (x - y)^2.
  // Step 1: d2(0,1) = d2(3,4) = 1, an exact tie: the pair with the smaller first id, (0,1), merges
  //         first -> id 5 = {0,1}, height 1.
  // Step 2: (3,4) at d2 = 1 -> id 6 = {7,8}, height 1.
  //   Lance-Williams: d2(2,5) = [(1+1) 9 + (1+1) 4 - 1*1] / 3 = 25/3 = 8.3333
  //                   (= 2*1*2/3 * (3 - 0.5)^2 = 4/3 * 6.25);
  //                   d2(2,6) = [2*16 + 2*25 - 1] / 3 = 81/3 = 27; d2(5,6) = 2*2*2/4 * 7^2 = 98.
  // Step 3: (2,5) at 25/3 -> id 7 = {0,1,3}, height sqrt(25/3) = 2.886751.
  // Step 4: d2(6,7) = [(2+2) 98 + (1+2) 27 - 2 * 25/3] / 5 = (392 + 81 - 50/3) / 5 = 91.26667
  //         (= 2*3*2/5 * (7.5 - 4/3)^2 = 2.4 * 38.02778), height 9.553359.
  const auto tree = ward_linkage(line({0, 1, 3, 7, 8}));
  REQUIRE(tree.merges.size() == 4);
  CHECK((tree.merges[0].a == 0 && tree.merges[0].b == 1 && tree.merges[0].size == 2));
  CHECK(tree.merges[0].height == Approx(1.0));
  CHECK((tree.merges[1].a == 3 && tree.merges[1].b == 4 && tree.merges[1].size == 2));
  CHECK(tree.merges[1].height == Approx(1.0));
  CHECK((tree.merges[2].a == 2 && tree.merges[2].b == 5 && tree.merges[2].size == 3));
  CHECK(tree.merges[2].height == Approx(std::sqrt(25.0 / 3.0)));
  CHECK((tree.merges[3].a == 6 && tree.merges[3].b == 7 && tree.merges[3].size == 5));
  CHECK(tree.merges[3].height == Approx(std::sqrt((392.0 + 81.0 - 50.0 / 3.0) / 5.0)));
  CHECK(tree.merges[3].height == Approx(9.553359).epsilon(1e-6));
  // Cuts, labels numbered by first appearance.
  CHECK(tree.cut(1) == std::vector<int>{0, 0, 0, 0, 0});
  CHECK(tree.cut(2) == std::vector<int>{0, 0, 0, 1, 1});
  CHECK(tree.cut(3) == std::vector<int>{0, 0, 1, 2, 2});
  CHECK(tree.cut(5) == std::vector<int>{0, 1, 2, 3, 4});
  CHECK_THROWS_AS(tree.cut(0), invalid_argument);
  CHECK_THROWS_AS(tree.cut(6), invalid_argument);
}

TEST_CASE("Ward on 2-D points: a square pair and a far point", "[sieve][ward]") {
  // (0,0), (0,2), (10,0): d2 = 4, 100, 104. Merge {0,1} at height 2; then
  // d2(2, {0,1}) = [2*100 + 2*104 - 1*4] / 3 = 404/3 (= 2*1*2/3 * ||(10,0)-(0,1)||^2 = 4/3 * 101).
  Eigen::MatrixXd p(3, 2);
  p << 0, 0, 0, 2, 10, 0;
  const auto tree = ward_linkage(p);
  CHECK(tree.merges[0].height == Approx(2.0));
  CHECK(tree.merges[1].height == Approx(std::sqrt(404.0 / 3.0)));
  CHECK((tree.merges[1].a == 2 && tree.merges[1].b == 3));
  CHECK_THROWS_AS(ward_linkage(Eigen::MatrixXd(0, 2)), invalid_argument);
}

TEST_CASE("silhouette of a 2-cluster toy set matches the hand computation", "[sieve][silhouette]") {
  // A = {0, 1}, B = {5, 6, 7} on a line.
  //  s(0): a = 1, b = (5+6+7)/3 = 6        -> 5/6
  //  s(1): a = 1, b = (4+5+6)/3 = 5        -> 4/5
  //  s(5): a = (1+2)/2 = 1.5, b = (5+4)/2 = 4.5 -> 3/4.5 = 2/3
  //  s(6): a = 1, b = (6+5)/2 = 5.5        -> 4.5/5.5 = 9/11
  //  s(7): a = 1.5, b = (7+6)/2 = 6.5      -> 5/6.5 = 10/13
  const auto p = line({0, 1, 5, 6, 7});
  const std::vector<int> labels{0, 0, 1, 1, 1};
  const auto s = silhouette_values(p, labels);
  CHECK(s[0] == Approx(5.0 / 6));
  CHECK(s[1] == Approx(4.0 / 5));
  CHECK(s[2] == Approx(2.0 / 3));
  CHECK(s[3] == Approx(9.0 / 11));
  CHECK(s[4] == Approx(10.0 / 13));
  CHECK(mean_silhouette(p, labels) == Approx((5.0 / 6 + 4.0 / 5 + 2.0 / 3 + 9.0 / 11 + 10.0 / 13) / 5));
}

TEST_CASE("silhouette: singletons score 0 (Rousseeuw), bad labels are rejected", "[sieve][silhouette]") {
  // {0, 1} and {10}: s(0): a = 1, b = 10 -> 0.9; s(1): a = 1, b = 9 -> 8/9; s(10) = 0 (singleton).
  const auto p = line({0, 1, 10});
  const std::vector<int> labels{0, 0, 1};
  const auto s = silhouette_values(p, labels);
  CHECK(s[0] == Approx(0.9));
  CHECK(s[1] == Approx(8.0 / 9));
  CHECK(s[2] == 0.0);
  CHECK_THROWS_AS(silhouette_values(p, std::vector<int>{0, 0, 0}), invalid_argument);
  CHECK_THROWS_AS(silhouette_values(p, std::vector<int>{0, 1}), invalid_argument);
  CHECK_THROWS_AS(silhouette_values(p, std::vector<int>{0, -1, 1}), invalid_argument);
}

TEST_CASE("choose_clusters picks m by the largest mean silhouette", "[sieve][silhouette]") {
  // 0, 1, 3, 7, 8 with the cuts above:
  //  m = 2: {0,1,3} {7,8}: s(0): a = (1+3)/2 = 2, b = (7+8)/2 = 7.5 -> 5.5/7.5 = 11/15;
  //         s(1): a = 1.5, b = 6.5 -> 10/13; s(3): a = 2.5, b = 4.5 -> 4/9;
  //         s(7): a = 1, b = (7+6+4)/3 = 17/3 -> 14/17; s(8): a = 1, b = 20/3 -> 17/20.
  //  m = 3: {0,1} {3} {7,8}: s(0) = (3 - 1)/3 = 2/3 (nearest other: {3} at 3), s(1) = (2 - 1)/2 = 1/2,
  //         s(3) = 0 (singleton), s(7) = (4 - 1)/4 = 3/4, s(8) = (5 - 1)/5 = 4/5.
  //  m = 4: {0,1} {3} {7} {8}: s(0) = 2/3, s(1) = 1/2, others singletons -> 0.
  const auto p = line({0, 1, 3, 7, 8});
  const auto c = choose_clusters(p, 6);
  REQUIRE(c.silhouettes.size() == 3);  // m = 2, 3, 4 = min(6, k - 1)
  const double m2 = (11.0 / 15 + 10.0 / 13 + 4.0 / 9 + 14.0 / 17 + 17.0 / 20) / 5;
  const double m3 = (2.0 / 3 + 0.5 + 0 + 0.75 + 0.8) / 5;
  const double m4 = (2.0 / 3 + 0.5) / 5;
  CHECK(c.silhouettes[0] == Approx(m2));
  CHECK(c.silhouettes[1] == Approx(m3));
  CHECK(c.silhouettes[2] == Approx(m4));
  CHECK(c.m == 2);
  CHECK(c.labels == std::vector<int>{0, 0, 0, 1, 1});
  // max_clusters caps the range; too few points gives one cluster.
  CHECK(choose_clusters(p, 2).silhouettes.size() == 1);
  const auto one = choose_clusters(line({0, 1}), 6);
  CHECK(one.m == 1);
  CHECK(one.labels == std::vector<int>{0, 0});
}

TEST_CASE("choose_clusters: equal silhouettes keep the smaller m", "[sieve][silhouette]") {
  // 4 coincident points: every cut has silhouette 0 (a = b = 0, or singletons), a tie between
  // m = 2 and m = 3: the smaller m wins.
  const auto c = choose_clusters(line({0, 0, 0, 0}), 6);
  REQUIRE(c.silhouettes.size() == 2);
  CHECK(c.silhouettes[0] == 0.0);
  CHECK(c.silhouettes[1] == 0.0);
  CHECK(c.m == 2);
}
