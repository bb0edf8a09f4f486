# Fig. 8a (paper App. H.1, docs/theory.md sec. 6.3): continuous Gaussian setting, 0.95-quantile of the
# estimation error against n, log-log. Absolute error for AUROC, AUPRC, correlation and WPMI; relative
# error |est - pop| / |pop| for MAD. The quantile is over the replicates where the metric is defined.
#
# Usage (variables passed with -e; both have defaults):
#   neuroncert simulate --experiment gaussian --out results
#   gnuplot -e "csv='results/gaussian.csv'; out='figures/fig8a'" plots/fig8a_gaussian.gp
# Writes OUT.png (pngcairo, or png when cairo is missing) and OUT.svg.
# Input: the tidy CSV (experiment,setting,metric,n,quantity,value); rows are selected by their column
# values, so the file may hold other experiments too.

if (!exists("csv")) csv = 'results/gaussian.csv'
if (!exists("out")) out = 'figures/fig8a_gaussian'

set datafile separator ','
set datafile missing NaN

# Value of a (metric, quantity) row, NaN otherwise: selects one curve from the tidy rows.
sel(m, q) = (strcol(1) eq "gaussian" && strcol(3) eq m && strcol(5) eq q) ? column(6) : NaN

# N_exp from the data, for the caption line.
stats csv skip 1 using (sel("auroc", "replicates")) nooutput
nexp = STATS_max
stats csv skip 1 using 4 nooutput
nmin = STATS_min
nmax = STATS_max

set logscale xy
set xrange [nmin/1.15:nmax*1.15]
set label 1 sprintf("N_{exp} = %d datasets per n; quantile over the datasets where the metric is defined", nexp) \
    at graph 0.02, graph 0.04 left font ",9"
set format x "10^{%T}"
set format y "10^{%T}"
set xlabel "probing-set size n"
set ylabel "0.95-quantile of the error"
set title "Continuous Gaussian setting (p = 0.002, N(1, 0.2^2) vs N(0, 0.5^2)): error quantile vs n"
set key outside right top box opaque
set grid xtics ytics mxtics mytics lw 0.5 lc rgb "#dddddd"
set mxtics 10
set mytics 10

set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.8
set style line 2 lc rgb "#ff7f0e" lw 2 pt 5 ps 0.8
set style line 3 lc rgb "#2ca02c" lw 2 pt 9 ps 0.9
set style line 4 lc rgb "#d62728" lw 2 pt 11 ps 0.9
set style line 5 lc rgb "#9467bd" lw 2 pt 13 ps 0.9
set style line 6 lc rgb "#555555" lw 1.5 dt 2

do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo enhanced size 1000,620 font "Sans,11"
    } else {
      set terminal png enhanced size 1000,620
    }
    set output out.".png"
  } else {
    set terminal svg enhanced size 1000,620 font "Sans,11"
    set output out.".svg"
  }
  plot csv skip 1 using 4:(sel("auroc", "abs_error_q95")) with linespoints ls 1 title "AUROC (abs.)", \
       ''  skip 1 using 4:(sel("auprc", "abs_error_q95")) with linespoints ls 2 title "AUPRC (abs.)", \
       ''  skip 1 using 4:(sel("correlation", "abs_error_q95")) with linespoints ls 3 title "correlation (abs.)", \
       ''  skip 1 using 4:(sel("wpmi", "abs_error_q95")) with linespoints ls 4 title "WPMI (abs.)", \
       ''  skip 1 using 4:(sel("mad", "rel_error_q95")) with linespoints ls 5 title "MAD (relative)", \
       1.5/sqrt(x) with lines ls 6 title "reference slope n^{-1/2}"
  unset output
}
