# `neuroncert advise --figure`: each metric's error against the probing-set size n in the user's setting,
# worst over the concept frequencies: the simulated 0.95-quantile of |sim_hat - sim| (solid, points) and
# the certified closed-form bound at delta/|C| (dashed, same colour; F1, AUPRC, correlation, MAD and WPMI
# have none), with the user's n marked. Called as
#   gnuplot -e "dir='plots/'; csv='P_curves.csv'; out='P_figure'; metrics='accuracy f1'; certified='1'; nuser=10000; epsilon=0.05" plots/advise.gp
# (metrics: every curve's metric, in rank order; certified: the positions in `metrics` of those with a
# closed-form bound, so a metric keeps its colour on both curves; epsilon: the target error, drawn as a
# horizontal line where a curve crosses it at the n each metric needs; 0 for none)
load dir.'common.gp'
set logscale xy
set format y '10^{%L}'
set xlabel 'probing-set size n'
set ylabel 'error, worst over the concept frequencies'
if (!exists("epsilon")) epsilon = 0
set title sprintf("advise: simulated 0.95-quantile error (solid) and certified bound at {/Symbol d}/|C| (dashed)\nthe dotted line is your n = %d%s", nuser, epsilon > 0 ? sprintf(", the grey line {/Symbol e} = %g", epsilon) : "")
# Ten distinguishable colours (one per pair metric; gnuplot's default cycle repeats after eight).
colors = '#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02 #a6761d #666666 #1f78b4 #000000'
set arrow 1 from nuser, graph 0 to nuser, graph 1 nohead lc rgb '#888888' lw 1.5 dt 3
if (epsilon > 0) set arrow 2 from graph 0, first epsilon to graph 1, first epsilon nohead lc rgb '#aaaaaa' lw 2
plot_cmd = "plot for [i=1:words(metrics)] sel('curve', word(metrics, i), 'simulated_q95') u 1:2 w lp lc rgb word(colors, i) lw 2 pt 7 ps 0.6 t word(metrics, i), " . \
           "for [j=1:words(certified)] sel('curve', word(metrics, int(word(certified, j))), 'certified') u 1:2 w l lc rgb word(colors, int(word(certified, j))) lw 1.5 dt 2 notitle"
@render
