package org.crl4j.rl;

import org.crl4j.nn.Activation;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.loss.Energy;
import org.crl4j.nn.loss.InfoNce;

/**
 * The networks and losses of contrastive RL; every value the paper sweeps is a field. Defaults are the paper's.
 *
 * @param criticWidth   width of both critic encoders (256)
 * @param criticDepth   residual depth of both critic encoders, a multiple of 4 (4 … 1024)
 * @param actorWidth    width of the actor (256)
 * @param actorDepth    residual depth of the actor
 * @param reprDim       representation size of φ(s,a) and ψ(g) (64)
 * @param energy        logit f(s,a,g) between representations (norm: −‖φ−ψ‖₂)
 * @param contrastiveLoss InfoNCE variant (forward)
 * @param logsumexpPenalty coefficient of the logsumexp² regulariser (0.1)
 * @param actorLr       Adam learning rate of the actor (3e-4)
 * @param criticLr      Adam learning rate of the critic (3e-4)
 * @param alphaLr       Adam learning rate of log α (3e-4)
 * @param entropyParam  target entropy = −entropyParam·|A| (0.5)
 * @param disableEntropy actor loss without the entropy term (scaling-crl's disable_entropy)
 * @param layerNorm     LayerNorm in every hidden layer (ablation: false)
 * @param activation    swish (ablation: relu)
 * @param residual      residual connections (ablation: false)
 * @param recompute     activation recomputation of the trunks
 * @param actorInit     how the actor's head starts (paper: like every layer; see {@link ActorInit})
 */
public record CrlConfig(int criticWidth, int criticDepth, int actorWidth, int actorDepth, int reprDim, Energy energy,
                        InfoNce.Variant contrastiveLoss, float logsumexpPenalty, float actorLr, float criticLr,
                        float alphaLr, float entropyParam, boolean disableEntropy, boolean layerNorm,
                        Activation activation, boolean residual, MlpOptions.Recompute recompute,
                        ActorInit actorInit) {

    /** Every option but the actor's initialisation, which is the paper's. */
    public CrlConfig(int criticWidth, int criticDepth, int actorWidth, int actorDepth, int reprDim, Energy energy,
                     InfoNce.Variant contrastiveLoss, float logsumexpPenalty, float actorLr, float criticLr,
                     float alphaLr, float entropyParam, boolean disableEntropy, boolean layerNorm,
                     Activation activation, boolean residual, MlpOptions.Recompute recompute) {
        this(criticWidth, criticDepth, actorWidth, actorDepth, reprDim, energy, contrastiveLoss, logsumexpPenalty,
                actorLr, criticLr, alphaLr, entropyParam, disableEntropy, layerNorm, activation, residual, recompute,
                ActorInit.PAPER);
    }

    public CrlConfig {
        java.util.Objects.requireNonNull(actorInit, "actorInit");
    }

    public static CrlConfig paper(int width, int depth) {
        return new CrlConfig(width, depth, width, depth, 64, Energy.NORM, InfoNce.Variant.FORWARD, 0.1f, 3e-4f, 3e-4f,
                3e-4f, 0.5f, false, true, Activation.SWISH, true, MlpOptions.Recompute.AUTO);
    }

    /** This configuration with another actor width and depth (a distilled student's). */
    public CrlConfig withActor(int width, int depth) {
        return new CrlConfig(criticWidth, criticDepth, width, depth, reprDim, energy, contrastiveLoss, logsumexpPenalty,
                actorLr, criticLr, alphaLr, entropyParam, disableEntropy, layerNorm, activation, residual, recompute,
                actorInit);
    }

    /** This configuration with another initialisation of the actor's head. */
    public CrlConfig withActorInit(ActorInit init) {
        return new CrlConfig(criticWidth, criticDepth, actorWidth, actorDepth, reprDim, energy, contrastiveLoss,
                logsumexpPenalty, actorLr, criticLr, alphaLr, entropyParam, disableEntropy, layerNorm, activation,
                residual, recompute, init);
    }

    public MlpOptions criticMlp() {
        return new MlpOptions(criticWidth, criticDepth, layerNorm, activation, residual, recompute);
    }

    public MlpOptions actorMlp() {
        return new MlpOptions(actorWidth, actorDepth, layerNorm, activation, residual, recompute);
    }
}
