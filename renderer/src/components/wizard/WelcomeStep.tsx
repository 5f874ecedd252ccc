import { WizardNav } from "./WizardNav.js";

export function WelcomeStep() {
  return (
    <div className="stack" data-testid="step-welcome">
      <div className="grid-3">
        <div className="card">
          <h2>What it does</h2>
          <p>
            PocketForge runs an open language model on this computer and offers it on the POKT Network. Apps reach it
            through gateways; each answered request (a <em>relay</em>) earns POKT.
          </p>
        </div>
        <div className="card">
          <h2>What it costs</h2>
          <p>
            <strong>Electricity</strong>: a GPU drawing 300 W for 24 h uses 7.2 kWh a day. <strong>A stake</strong>:
            POKT locked while you serve (released after an unbonding period when you stop). <strong>Fees</strong>: a
            few upokt per claim and proof.
          </p>
        </div>
        <div className="card">
          <h2>The risks</h2>
          <p>
            Missed proofs can cost part of the stake. The POKT price moves, so earnings may not cover electricity: the
            dashboard shows your break-even tariff. A public endpoint exposes a port to the internet. Whoever has your
            recovery phrase controls your funds.
          </p>
        </div>
      </div>
      <p>
        New here? Keep the <strong>local test network</strong> preselected in the Network step: it runs inside
        PocketForge, uses no real tokens and needs no internet, and shows a whole serve → claim → proof → reward cycle
        in a few minutes.
      </p>
      <WizardNav step="welcome" canNext nextLabel="Start: check my hardware" />
    </div>
  );
}
