# Paper Fig. 3a (docs/theory.md sec. 4): the Agarwal AUROC rate r(n, delta) against n for several concept
# frequencies rho; it blows up as rho -> 0.
#   gnuplot -e "csv='data/auroc-rate.csv'; out='fig3a_auroc_rate'" plots/fig3a_auroc_rate.gp
load dir.'common.gp'
set logscale xy
set format y '10^{%L}'
set xlabel 'probing-set size n'
set ylabel 'r_{AUROC}(n, {/Symbol d} = 0.05)'
set title 'AUROC convergence rate (Agarwal et al.) vs n'
plot_cmd = "plot sel('rho=0.5','auroc','agarwal_rate') u 1:2 w l ls 1 t '{/Symbol r} = 0.5', " . \
           "sel('rho=0.1','auroc','agarwal_rate') u 1:2 w l ls 2 t '{/Symbol r} = 0.1', " . \
           "sel('rho=0.01','auroc','agarwal_rate') u 1:2 w l ls 3 t '{/Symbol r} = 0.01', " . \
           "sel('rho=0.001','auroc','agarwal_rate') u 1:2 w l ls 4 t '{/Symbol r} = 0.001'"
@render
