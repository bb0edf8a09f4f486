# Paper Fig. 2a / 2b (docs/theory.md sec. 6.1): the 0.95-quantile of |sim_hat - sim| against n for the
# five binary metrics, in one setting. Call with setting='setting1' (Fig. 2a) or 'setting2' (Fig. 2b):
#   gnuplot -e "csv='data/exp1.csv'; out='fig2a_exp1_setting1'; setting='setting1'" plots/fig2_exp1.gp
load dir.'common.gp'
set logscale xy
set format y '10^{%L}'
set xlabel 'probing-set size n'
set ylabel '0.95-quantile of |sim_{hat} - sim|'
set title sprintf("Experiment 1, %s: estimation error vs n\n(quantile over the datasets where the metric is defined; Setting 2: IoU and precision overlap)", setting eq 'setting1' ? 'Setting 1 (regular)' : 'Setting 2 (rare concept, {/Symbol r} = 0.001)')
plot_cmd = "plot sel(setting,'accuracy','abs_error_q95') u 1:2 w lp ls 1 t 'accuracy', " . \
           "sel(setting,'auroc','abs_error_q95') u 1:2 w lp ls 2 t 'AUROC', " . \
           "sel(setting,'iou','abs_error_q95') u 1:2 w lp ls 3 t 'IoU', " . \
           "sel(setting,'recall','abs_error_q95') u 1:2 w lp ls 4 t 'recall', " . \
           "sel(setting,'precision','abs_error_q95') u 1:2 w lp ls 5 t 'precision', " . \
           "sel(setting,'accuracy','abs_error_q95') u 1:(1/sqrt($1)) w l ls 6 t '1/sqrt(n)'"
@render
