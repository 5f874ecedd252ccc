/** Every long-lived part of the engine: built once by createCore, started in order, disposed in reverse. */
export interface Service {
  start(): Promise<void>;
  dispose(): Promise<void>;
}
