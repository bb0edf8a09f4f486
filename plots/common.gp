# Shared set-up for every neuroncert figure. Each figure script is called as
#   gnuplot -e "csv='DIR/data/EXP.csv'; out='DIR/NAME'" plots/NAME.gp
# and writes out.png and out.svg. The tidy CSV has the columns
#   experiment,setting,metric,n,quantity,value
# sel(setting, metric, quantity) yields "n,value" rows of one series (awk filters the tidy CSV,
# which keeps series contiguous so lines are drawn without gaps).
sel(s, m, q) = sprintf("< awk -F, '$2==\"%s\" && $3==\"%s\" && $5==\"%s\" && $6!=\"\" && $6!=\"inf\" {print $4\",\"$6}' '%s'", s, m, q, csv)
set datafile separator ','
set key outside right top box opaque
set grid xtics ytics mxtics mytics lc rgb '#dddddd'
set border lw 1.2
set style line 1 lc rgb '#1b9e77' lw 2 pt 7 ps 0.8
set style line 2 lc rgb '#d95f02' lw 2 pt 5 ps 0.8
set style line 3 lc rgb '#7570b3' lw 2 pt 9 ps 0.9
set style line 4 lc rgb '#e7298a' lw 2 pt 11 ps 0.9
set style line 5 lc rgb '#66a61e' lw 2 pt 13 ps 0.9
set style line 6 lc rgb '#555555' lw 1.5 dt 2
set style line 7 lc rgb '#000000' lw 1.5 dt 4
set format x '10^{%L}'
# render: draw the plot stored in the string `plot_cmd` to PNG and SVG.
render = "set terminal pngcairo size 1000,620 enhanced font 'DejaVu Sans,11'; set output out.'.png'; eval(plot_cmd); set output; set terminal svg size 1000,620 enhanced font 'DejaVu Sans,11' background rgb 'white'; set output out.'.svg'; eval(plot_cmd); set output"
