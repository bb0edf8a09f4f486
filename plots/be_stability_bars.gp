# Fig. 5 style (docs/theory.md sec. 5, 6.5): for four neurons of one model, the concepts most often
# selected over K bootstrap resamples and their selection frequencies (CIFAR-100, 120 concepts).
# Usage: gnuplot -e "csv='DIR/data/be_stability.csv'; out='DIR/fig5_be_frequencies_resnet20'; setting='resnet20'" plots/be_stability_bars.gp
# Reads the companion file be_stability_freq.csv (setting,metric,neuron,rank,concept,concept_name,frequency).
if (!exists("dir")) dir = 'plots/'
load dir.'common.gp'
if (!exists("setting")) setting = 'resnet20'
freq = csv[1:strlen(csv)-4].'_freq.csv'
metric_of(s) = system(sprintf("awk -F, 'NR>1 && $1==\"%s\" {print $2; exit}' '%s'", s, freq))
neurons = system(sprintf("awk -F, 'NR>1 && $1==\"%s\" && !seen[$3]++ {printf \"%%s \", $3}' '%s'", setting, freq))
K = system(sprintf("awk -F, 'NR>1 && $2==\"%s\" {print $4; exit}' '%s'", setting, csv))
rows(n) = sprintf("< awk -F, 'NR>1 && $1==\"%s\" && $3==\"%s\" {print $4\",\"$6\",\"$7}' '%s'", setting, n, freq)
unset format x
set style fill solid 0.8 border rgb '#333333'
set boxwidth 0.7
set yrange [0:1.15]
set xrange [0.4:8.6]
set ytics 0, 0.2, 1
set xtics rotate by -35 left font ',9' nomirror noenhanced
set grid noxtics ytics
set key off
set ylabel 'selection frequency k_c / K'
plot_cmd = "set multiplot layout 2,2 title sprintf('%s: most frequent concepts over K = %s bootstrap resamples (%s, CIFAR-100, 120 concepts)', setting, K, metric_of(setting)); do for [w in neurons] { set title sprintf('neuron %s', w); plot rows(w) using 1:3:xtic(2) with boxes lc rgb '#1b9e77', '' using 1:($3+0.04):(sprintf('%.2f', $3)) with labels font ',8' }; unset multiplot"
render = "set terminal pngcairo size 1100,800 enhanced font 'DejaVu Sans,10'; set output out.'.png'; eval(plot_cmd); set output; set terminal svg size 1100,800 enhanced font 'DejaVu Sans,10' background rgb 'white'; set output out.'.svg'; eval(plot_cmd); set output"
eval(render)
