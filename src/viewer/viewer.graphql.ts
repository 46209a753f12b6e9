import { Ctx, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import type { Context } from "../server/context";
import { userNameLoader } from "./viewer.sql";

@ObjectType()
export class Viewer {
  @Field(() => ID)
  id!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true })
  tenantId!: string | null;
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: "The authenticated caller, from the verified token." })
  @Auth(Role.AGENT, Role.ASSISTANT, Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  viewer(@Ctx() { viewer }: Context): Viewer {
    return viewer as Viewer;
  }

  @FieldResolver(() => String, { nullable: true, description: "From users.full_name; null if the user row is gone." })
  fullName(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.loader(userNameLoader).load(viewer.id);
  }
}
