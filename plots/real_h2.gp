# App. H.2 analogue on real activations (docs/theory.md sec. 6.5): final-layer neurons of one model on
# the CIFAR-10 test set, each with its own class as concept; the 0.95-quantile of |sim_hat - sim|
# (pooled over subsamples and the 10 neurons) against the subsample size n, the full test set as
# population. Call with setting='resnet20' or 'vit':
#   gnuplot -e "dir='plots/'; csv='data/real_h2.csv'; out='figH2_resnet20'; setting='resnet20'" plots/real_h2.gp
load dir.'common.gp'
set style line 8 lc rgb '#e6ab02' lw 2 pt 15 ps 0.9
set style line 9 lc rgb '#a6761d' lw 2 pt 4 ps 0.8
set style line 10 lc rgb '#1f78b4' lw 2 pt 6 ps 0.8
set style line 11 lc rgb '#b2182b' lw 2 pt 8 ps 0.8
set logscale xy
set format y '10^{%L}'
set xlabel 'subsample size n (drawn without replacement from the 10,000 test images)'
set ylabel '0.95-quantile of |sim_{hat} - sim|'
model = setting eq 'vit' ? 'ViT' : 'ResNet-20'
set title sprintf("%s final layer on CIFAR-10 (own class as concept): estimation error vs n\n(population = full JPEG-decoded test set; MAD in activation units)", model)
q = 'abs_error_q95'
plot_cmd = "plot sel(setting,'accuracy',q) u 1:2 w lp ls 1 t 'accuracy', " . \
           "sel(setting,'recall',q) u 1:2 w lp ls 4 t 'recall', " . \
           "sel(setting,'precision',q) u 1:2 w lp ls 5 t 'precision', " . \
           "sel(setting,'iou',q) u 1:2 w lp ls 3 t 'IoU', " . \
           "sel(setting,'auroc',q) u 1:2 w lp ls 2 t 'AUROC', " . \
           "sel(setting,'auprc',q) u 1:2 w lp ls 8 t 'AUPRC', " . \
           "sel(setting,'correlation',q) u 1:2 w lp ls 9 t 'correlation', " . \
           "sel(setting,'mad',q) u 1:2 w lp ls 10 t 'MAD', " . \
           "sel(setting,'wpmi',q) u 1:2 w lp ls 11 t 'WPMI', " . \
           "sel(setting,'accuracy',q) u 1:(1/sqrt($1)) w l ls 6 t '1/sqrt(n)'"
@render
