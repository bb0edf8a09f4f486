# BE coverage (docs/theory.md sec. 5 and 6.4): how often Algorithm 1's set S contains the population-best
# concept c*, against the margin Delta, for K bootstrap resamples of one probing set (what users run)
# and for K fresh probing sets from P (what assumption (3) of Theorem 4.1 assumes), beside the
# corrected Theorem 4.1 bound P(Bin(K, p) <= t - 1), p = min(1, 2|C| exp(-n Delta^2 / 2)), and the
# same bound with the pairwise p of the setting's disagreement d (docs/be_coverage_bound.md).
# One panel per (n, |C|); two designs per panel (K = kbig with t = ceil(0.95 K), and K = ksmall).
#
# Usage (variables passed with -e; all have defaults):
#   neuroncert simulate --experiment be-coverage --out results
#   gnuplot -e "csv='results/be-coverage.csv'; out='figures/be_coverage'" plots/be_coverage.gp
# Optional: ns="1000 10000" (panel rows), cs="10 100" (panel columns), kbig=100, ksmall=10.
# Writes OUT.png (pngcairo, or png when cairo is missing) and OUT.svg.
# Input: the tidy CSV (experiment,setting,metric,n,quantity,value) with setting "C=M;Delta=D;K=K;t=T".
# The rows of one panel and design are pivoted to one line per Delta with awk (POSIX awk), so that a
# coverage and its Clopper-Pearson interval sit on one line for the error bars.

if (!exists("csv")) csv = 'results/be-coverage.csv'
if (!exists("out")) out = 'figures/be_coverage'
if (!exists("ns")) ns = "1000 10000"
if (!exists("cs")) cs = "10 100"
if (!exists("kbig")) kbig = 100
if (!exists("ksmall")) ksmall = 10

set datafile separator ','
set datafile missing NaN

# Pivot: one line per Delta with columns
#  1 Delta, 2 coverage_bootstrap, 3 its CP lower, 4 CP upper, 5 coverage_fresh, 6 CP lower, 7 CP upper,
#  8 bound_corrected, 9 bound_tightened, 10 bound_paper_eq9_at_t, 11 cstar_frequency_bootstrap,
#  12 cstar_frequency_fresh, 13 mean_set_size_bootstrap, 14 mean_set_size_fresh,
#  15 bound_corrected_curve, 16 bound_tightened_curve, 17 bound_pairwise_curve  (NaN where a cell has no
#  such row)
awkprog = 'BEGIN{FS=","; OFS=","; nq=split("coverage_bootstrap coverage_bootstrap_cp_lower coverage_bootstrap_cp_upper coverage_fresh coverage_fresh_cp_lower coverage_fresh_cp_upper bound_corrected bound_tightened bound_paper_eq9_at_t cstar_frequency_bootstrap cstar_frequency_fresh mean_set_size_bootstrap mean_set_size_fresh bound_corrected_curve bound_tightened_curve bound_pairwise_curve", q, " ")} NR>1 && $1=="be-coverage" && $4==N {m=split($2, kv, ";"); c=""; d=""; k=""; for(i=1;i<=m;i++){split(kv[i], p, "="); if(p[1]=="C") c=p[2]; if(p[1]=="Delta") d=p[2]; if(p[1]=="K") k=p[2]} if(c==C && k==K && $6!=""){v[d SUBSEP $5]=$6; seen[d]=1}} END{for(d in seen){line=d; for(j=1;j<=nq;j++){key=d SUBSEP q[j]; line=line OFS ((key in v) ? v[key] : "NaN")} print line}}'
pivot(n, c, k) = sprintf("< awk -v N=%s -v C=%s -v K=%d '%s' '%s' | sort -t, -g -k1,1", n, c, k, awkprog, csv)

# The panels' settings, applied at the start of each format's pass: the legend panel at the end of a
# pass unsets them, and the SVG pass (after the PNG one) was drawn without them.
panel_settings = 'set logscale x; set autoscale x; set autoscale xfix; set offsets graph 0.03, graph 0.03, 0, 0; ' . \
  'set yrange [-0.03:1.05]; set xtics; set ytics 0, 0.2, 1; set mytics 2; set border; ' . \
  'set grid xtics ytics lw 0.5 lc rgb "#dddddd"; set xlabel "margin {/Symbol D} = acc(c*) - acc(c)"; ' . \
  'set ylabel "P(c* in S)"; set key off; unset label 10'

set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.9           # bootstrap, K big
set style line 2 lc rgb "#1f77b4" lw 1.5 dt 2 pt 6 ps 0.9    # bootstrap, K small
set style line 3 lc rgb "#d62728" lw 2 pt 5 ps 0.8           # fresh, K big
set style line 4 lc rgb "#d62728" lw 1.5 dt 2 pt 4 ps 0.8    # fresh, K small
set style line 5 lc rgb "#000000" lw 2                       # corrected bound, K big
set style line 6 lc rgb "#9a9a00" lw 2 dt 2                  # corrected bound, K small
set style line 7 lc rgb "#888888" lw 1.5 dt 4 pt 2 ps 0.7    # bootstrap selection frequency of c*
set style line 8 lc rgb "#2ca02c" lw 2.5                     # pairwise bound, K big
set style line 9 lc rgb "#2ca02c" lw 1.5 dt 2                # pairwise bound, K small

nrows = words(ns)
ncols = words(cs)

do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo enhanced size 1200,900 font "Sans,10"
    } else {
      set terminal png enhanced size 1200,900
    }
    set output out.".png"
  } else {
    set terminal svg enhanced size 1200,900 font "Sans,10"
    set output out.".svg"
  }
  eval panel_settings
  set multiplot layout nrows, ncols + 0 rowsfirst \
      title sprintf("BE prediction set: coverage of the best concept (t = ceil(0.95 K)), bootstrap resamples vs fresh probing sets, with the corrected Theorem 4.1 bound and the pairwise bound") \
      margins 0.06, 0.71, 0.08, 0.90 spacing 0.07, 0.1
  do for [r = 1:nrows] {
    do for [cc = 1:ncols] {
      nn = word(ns, r)
      cv = word(cs, cc)
      set title sprintf("n = %s, |C| = %s", nn, cv)
      plot pivot(nn, cv, kbig) using 1:15 with lines ls 5, \
           pivot(nn, cv, ksmall) using 1:15 with lines ls 6, \
           pivot(nn, cv, kbig) using 1:17 with lines ls 8, \
           pivot(nn, cv, ksmall) using 1:17 with lines ls 9, \
           pivot(nn, cv, kbig) using 1:11 with linespoints ls 7, \
           pivot(nn, cv, kbig) using 1:5:6:7 with yerrorbars ls 3, \
           pivot(nn, cv, kbig) using 1:5 with lines ls 3, \
           pivot(nn, cv, ksmall) using 1:5 with linespoints ls 4, \
           pivot(nn, cv, kbig) using 1:2:3:4 with yerrorbars ls 1, \
           pivot(nn, cv, kbig) using 1:2 with lines ls 1, \
           pivot(nn, cv, ksmall) using 1:2 with linespoints ls 2
    }
  }
  # The legend, once, in the right margin.
  unset title
  set key at screen 0.995, screen 0.88 right top box opaque spacing 1.4 font ",9"
  unset border
  unset tics
  unset xlabel
  unset ylabel
  unset grid
  set origin 0, 0
  set size 1, 1
  unset logscale x
  set offsets 0, 0, 0, 0
  set autoscale x
  set xrange [0:1]
  set yrange [0:1]
  set label 10 "Fresh sets: the K identifications use\nindependent probing sets from P, as\nassumption (3) of Theorem 4.1 assumes.\nBootstrap: K resamples of one probing set\n(what users run); the theorem's guarantee\nis heuristic there. The bound is vacuous (0)\nwhile p = min(1, 2|C| e^{-n{/Symbol D}^2/2}) is near 1.\nPairwise bound: the same with p from each\nrunner-up's paired difference (variance\n<= its disagreement d with c*, here\nd = acc*(1-acc_j) + (1-acc*)acc_j, about 0.33)." \
      at screen 0.735, screen 0.62 left font ",9"
  plot NaN with linespoints ls 1 title sprintf("bootstrap, K = %d (95%% CP bars)", kbig), \
       NaN with linespoints ls 2 title sprintf("bootstrap, K = %d", ksmall), \
       NaN with linespoints ls 3 title sprintf("fresh sets, K = %d (95%% CP bars)", kbig), \
       NaN with linespoints ls 4 title sprintf("fresh sets, K = %d", ksmall), \
       NaN with lines ls 5 title sprintf("corrected bound, K = %d", kbig), \
       NaN with lines ls 6 title sprintf("corrected bound, K = %d", ksmall), \
       NaN with lines ls 8 title sprintf("pairwise bound, K = %d", kbig), \
       NaN with lines ls 9 title sprintf("pairwise bound, K = %d", ksmall), \
       NaN with linespoints ls 7 title sprintf("bootstrap k*/K, K = %d", kbig)
  unset multiplot
  unset output
  unset label 10
  # restore for the next format
  set border
  set tics
  set ytics 0, 0.2, 1
  set grid xtics ytics lw 0.5 lc rgb "#dddddd"
  set xlabel "margin {/Symbol D} = acc(c*) - acc(c)"
  set ylabel "P(c* in S)"
  set logscale x
  set autoscale xfix
  set offsets graph 0.03, graph 0.03, 0, 0
  set yrange [-0.03:1.05]
  set key off
}
