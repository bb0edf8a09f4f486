# SIEVE verification (docs/theory.md sec. 7): activation rate AR of every hypothesis on its held-out
# CIFAR-100 concept images, with its 95% Clopper-Pearson interval, sorted by AR, for ResNet-20
# (penultimate) and ViT (cls). Filled points survive the paper's mean-AR filter; open points are
# dropped. Dashed: the random-image rate 0.01; dotted: the filtered mean AR.
#   gnuplot -e "dir='plots/'; csv='data/sieve_ar.csv'; out='sieve_ar'" plots/sieve_ar.gp
# CSV columns: model,rank,neuron,concept,ar,cp_lower,cp_upper,kept,mean_ar
load dir.'common.gp'
unset logscale
set format x '%g'
set format y '%g'
sieve_sel(m, k) = sprintf("< awk -F, '$1==\"%s\" && $8==\"%s\" {print $2\",\"$5\",\"$6\",\"$7}' '%s'", m, k, csv)
sieve_mean(m) = sprintf("< awk -F, '$1==\"%s\" {print $2\",\"$9}' '%s'", m, csv)
set key inside top right box opaque
set xlabel 'hypothesis (sorted by AR)'
set ylabel 'activation rate on held-out concept images'
set yrange [-0.02:*]
set bars 0.3
set offsets 0.5, 0.5, 0, 0
panel = "set title T.': SIEVE hypotheses, AR with 95% Clopper-Pearson intervals'; " . \
  "fk = sieve_sel(M, 'true'); fd = sieve_sel(M, 'false'); fm = sieve_mean(M); " . \
  "plot fk u 1:2:3:4 w yerrorbars ls 1 pt 7 t 'kept by the mean filter', " . \
  "fd u 1:2:3:4 w yerrorbars lc rgb '#999999' pt 6 t 'dropped', " . \
  "fm u 1:2 w l ls 7 t 'filtered mean AR', 0.01 w l ls 6 t 'random rate 0.01'"
plot_cmd = "set multiplot layout 2,1; M = 'ResNet-20'; T = 'ResNet-20 penultimate'; eval(panel); " . \
           "M = 'ViT'; T = 'ViT cls'; eval(panel); unset multiplot"
render = "set terminal pngcairo size 1000,900 enhanced font 'DejaVu Sans,11'; set output out.'.png'; eval(plot_cmd); set output; set terminal svg size 1000,900 enhanced font 'DejaVu Sans,11' background rgb 'white'; set output out.'.svg'; eval(plot_cmd); set output"
@render
