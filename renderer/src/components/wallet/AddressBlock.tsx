import { CopyButton } from "../../kit/CopyButton.js";
import { QrCode } from "../../kit/QrCode.js";

/** An address as people need it: in full (selectable), as a QR code for a phone wallet, and one click to copy. */
export function AddressBlock({ address, label }: { address: string; label: string }) {
  return (
    <div className="row row-center" data-testid="address-block">
      <QrCode value={address} label={`QR code of the ${label} address`} />
      <div className="grow stack">
        <div className="muted small">{label} address</div>
        <div className="address" data-testid="address">
          {address}
        </div>
        <CopyButton text={address} label="Copy address" />
      </div>
    </div>
  );
}
