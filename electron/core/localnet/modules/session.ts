// x/session: sessions hydrated from chain state with the pokt library (docs/protocol.md §5): the grid from the
// shared params at the queried height, the id from the hash of the session's start block, suppliers selected
// from every supplier's service-config history.
import { session as ses, type session } from "../../pokt/proto/index.js";
import { SessionHydrationError, hydrateSession, sessionBounds } from "../../pokt/session.js";
import { invalidArgument, notFound } from "../errors.js";
import type { ApplicationModule } from "./application.js";
import type { ParamsModule } from "./params.js";
import type { SupplierModule } from "./supplier.js";

export interface SessionLookup {
  /** Latest height whose block exists (committed, or being executed). */
  latestHeight: bigint;
  blockHash(height: bigint): Uint8Array | undefined;
}

export class SessionModule {
  constructor(
    private readonly params: ParamsModule,
    private readonly applications: ApplicationModule,
    private readonly suppliers: SupplierModule,
  ) {}

  /** The session of (application, service) at `queryHeight`; throws SessionHydrationError or a query error. */
  getSession(lookup: SessionLookup, applicationAddress: string, serviceId: string, queryHeight: bigint): session.Session {
    const height = queryHeight <= 0n ? lookup.latestHeight : queryHeight;
    if (height > lookup.latestHeight) {
      throw invalidArgument(`session requested for height ${height}, beyond the current height ${lookup.latestHeight}`);
    }
    const sharedParams = this.params.sharedAt(height);
    const start = sessionBounds(sharedParams, height).startHeight;
    const startHash = lookup.blockHash(start);
    if (startHash === undefined) throw invalidArgument(`no block hash stored for session start height ${start}`);
    const suppliers = new Map(this.suppliers.all().map((supplier) => [supplier.operatorAddress, supplier]));
    return hydrateSession({
      applicationAddress,
      serviceId,
      queryHeight: height,
      sharedParams,
      numSuppliersPerSession: this.params.get("session").numSuppliersPerSession,
      sessionStartBlockHash: startHash,
      application: this.applications.get(applicationAddress),
      serviceConfigUpdates: this.suppliers.allServiceConfigUpdates(),
      suppliers,
    });
  }

  queryGetSession(data: Uint8Array, lookup: SessionLookup): Uint8Array {
    const request = ses.QueryGetSessionRequest.decode(data);
    try {
      const found = this.getSession(lookup, request.applicationAddress, request.serviceId, request.blockHeight);
      return ses.QueryGetSessionResponse.toBytes({ session: found });
    } catch (error) {
      if (error instanceof SessionHydrationError) {
        throw error.reason === "application_not_found" ? notFound(error.message) : invalidArgument(error.message);
      }
      throw error;
    }
  }

  queryParams(): Uint8Array {
    return ses.QueryParamsResponse.toBytes({ params: this.params.get("session") });
  }
}
