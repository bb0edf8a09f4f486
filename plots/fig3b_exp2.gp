# Paper Fig. 3b (docs/theory.md sec. 6.2): the 0.95-quantile of the identification gap
# max_c sim(c) - sim(c_hat) over |C| = 1000 concepts against n, with a 1/sqrt(n) reference and the
# bound 2 r(n, delta/|C|). A quantile of exactly 0 (every one of the top 95% of datasets picked the
# best concept) cannot be drawn on a log axis and is left out.
#   gnuplot -e "csv='data/exp2.csv'; out='fig3b_exp2'" plots/fig3b_exp2.gp
load dir.'common.gp'
s = 'a=0.05;C=1000'
set logscale xy
set format y '10^{%L}'
set xlabel 'probing-set size n'
set ylabel '0.95-quantile of max_c sim(c) - sim(c_{hat})'
set title "Experiment 2: identification gap over 1000 concepts vs n\n(a quantile of exactly 0 cannot be drawn on the log axis and is omitted)"
plot_cmd = "plot sel(s,'accuracy','gap_q95') u 1:2 w lp ls 1 t 'accuracy', " . \
           "sel(s,'auroc','gap_q95') u 1:2 w lp ls 2 t 'AUROC', " . \
           "sel(s,'iou','gap_q95') u 1:2 w lp ls 3 t 'IoU', " . \
           "sel(s,'recall','gap_q95') u 1:2 w lp ls 4 t 'recall', " . \
           "sel(s,'precision','gap_q95') u 1:2 w lp ls 5 t 'precision', " . \
           "sel(s,'reference','inv_sqrt_n') u 1:2 w l ls 6 t '1/sqrt(n)', " . \
           "sel(s,'reference','bound_2r_hoeffding') u 1:2 w l ls 7 t 'bound 2r(n, {/Symbol d}/|C|)'"
@render
