# Bound tightness (docs/theory.md sec. 6.4): for each metric, the closed-form rate (Hoeffding, ESS or
# Agarwal; solid) and the Clopper-Pearson radius (dashed) divided by the empirical 0.95-quantile
# of the error, against n. 1 would be a perfectly tight bound. AUROC also has the exact binary
# interval (bounds/auroc_interval.hpp, docs/auroc_certificate.md): its radius at the population counts
# (dash-dot, beside Agarwal's rate at the population rho) and the 0.95-quantile of its radius from
# each dataset's counts (dashed).
#   gnuplot -e "csv='data/validate.csv'; out='validate_setting1'; setting='setting1'" plots/validate.gp
load dir.'common.gp'
set logscale xy
set format y '%g'
set ytics (0.8, 1, 1.5, 2, 3, 4, 6, 8)
set yrange [0.8:10]
set xlabel 'probing-set size n'
set ylabel 'bound / empirical 0.95-quantile of the error'
set title sprintf('How loose is each bound? %s, delta = 0.05', setting)
plot_cmd = "plot sel(setting,'accuracy','ratio_hoeffding_rate_to_empirical') u 1:2 w lp ls 1 t 'accuracy: Hoeffding', " . \
           "sel(setting,'accuracy','ratio_cp_radius_q95_to_empirical') u 1:2 w lp ls 1 dt 2 t 'accuracy: Clopper-Pearson', " . \
           "sel(setting,'auroc','ratio_agarwal_rate_at_population_rho_to_empirical') u 1:2 w lp ls 2 t 'AUROC: Agarwal', " . \
           "sel(setting,'auroc','ratio_auroc_exact_at_population_to_empirical') u 1:2 w lp ls 2 dt 5 pt 4 t 'AUROC: exact, population counts', " . \
           "sel(setting,'auroc','ratio_auroc_exact_radius_q95_to_empirical') u 1:2 w lp ls 2 dt 2 pt 6 t 'AUROC: exact, q95 of radius', " . \
           "sel(setting,'iou','ratio_ess_rate_at_population_m_to_empirical') u 1:2 w lp ls 3 t 'IoU: ESS', " . \
           "sel(setting,'iou','ratio_cp_radius_q95_to_empirical') u 1:2 w lp ls 3 dt 2 t 'IoU: Clopper-Pearson', " . \
           "sel(setting,'recall','ratio_ess_rate_at_population_m_to_empirical') u 1:2 w lp ls 4 t 'recall: ESS', " . \
           "sel(setting,'recall','ratio_cp_radius_q95_to_empirical') u 1:2 w lp ls 4 dt 2 t 'recall: Clopper-Pearson', " . \
           "sel(setting,'precision','ratio_ess_rate_at_population_m_to_empirical') u 1:2 w lp ls 5 t 'precision: ESS', " . \
           "sel(setting,'precision','ratio_cp_radius_q95_to_empirical') u 1:2 w lp ls 5 dt 2 t 'precision: Clopper-Pearson', " . \
           "1 w l ls 7 t 'tight'"
@render
