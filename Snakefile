# xlit: zero-shot cross-lingual transfer in instruction tuning (Chirkova & Nikoulina, INLG 2024).
#   snakemake --cores 2                                  # the tiny offline demo (config/config.yaml)
#   snakemake --profile slurm --configfile config/paper.yaml   # the paper's study on a SLURM cluster
from snakemake.utils import min_version

min_version("9.0")


# The demo config is the default; `--configfile X` replaces it (rather than being merged over it).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/inputs.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/base.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/translate.smk"
include: "workflow/rules/valid.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/generate.smk"
include: "workflow/rules/surface.smk"
include: "workflow/rules/constraints.smk"
include: "workflow/rules/judge.smk"
include: "workflow/rules/human.smk"
include: "workflow/rules/figures.smk"


# Before any job: each input file named by its config key, a judge's missing API key (see common.smk).
check_inputs()


onstart:
    refuse_judging_without_keys()


report: "workflow/report/workflow.rst"


rule all:
    default_target: True
    input:
        study_targets(),
