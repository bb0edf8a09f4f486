# The paper's Tables 3 and 4 as grouped bars: per metric, the average over neurons of the top-1
# bootstrap frequency (setting='top1_frequency_mean') or of the size of the set covering 90% of
# the K resamples (setting='coverage90_size_mean'), ResNet-20 penultimate vs ViT CLS neurons on
# CIFAR-100 (120 concepts). The numbers are also in data/be_stability_tables.md.
# Usage: gnuplot -e "csv='DIR/data/be_stability.csv'; out='DIR/table3_top1_frequency'; setting='top1_frequency_mean'" plots/be_stability_table.gp
if (!exists("dir")) dir = 'plots/'
load dir.'common.gp'
if (!exists("setting")) setting = 'top1_frequency_mean'
K = system(sprintf("awk -F, 'NR>1 {print $4; exit}' '%s'", csv))
# One line per metric: metric, resnet20 value, vit value (in the CSV's metric order).
pivot = sprintf("< awk -F, 'NR>1 && $5==\"%s\" {if (!($3 in seen)) {seen[$3]=1; order[++k]=$3} v[$2 SUBSEP $3]=$6} END {for (i=1;i<=k;i++) print order[i]\",\"v[\"resnet20\" SUBSEP order[i]]\",\"v[\"vit\" SUBSEP order[i]]}' '%s'", setting, csv)
unset format x
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set xtics rotate by -30 left nomirror
set grid noxtics ytics
set key inside top right box opaque
if (setting eq 'top1_frequency_mean') {
  set yrange [0:1.1]
  set ylabel 'average top-1 frequency'
  ttl = sprintf('Table 3 analogue: average top-1 bootstrap frequency per metric (K = %s, CIFAR-100, 120 concepts)', K)
  lblfmt = '%.2f'
} else {
  set yrange [0:*]
  set ylabel 'average size of the 90%-coverage set'
  ttl = sprintf('Table 4 analogue: average 90%%-coverage set size per metric (K = %s, CIFAR-100, 120 concepts)', K)
  lblfmt = '%.1f'
}
set title ttl
plot_cmd = "plot pivot using 2:xtic(1) title 'ResNet-20 penultimate (64)' lc rgb '#1b9e77', '' using 3 title 'ViT CLS (128)' lc rgb '#d95f02', '' using ($0-0.17):($2):(sprintf(lblfmt, $2)) with labels offset 0,0.7 font ',8' notitle, '' using ($0+0.17):($3):(sprintf(lblfmt, $3)) with labels offset 0,0.7 font ',8' notitle"
eval(render)
